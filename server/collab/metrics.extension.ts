import type {
	afterHandleMessagePayload,
	afterLoadDocumentPayload,
	afterUnloadDocumentPayload,
	beforeHandleMessagePayload,
	beforeSyncPayload,
	Connection,
	connectedPayload,
	Extension,
	onDisconnectPayload
} from '@hocuspocus/server';
import type { Metrics } from '#server/ops/metrics.ts';
import { secondsSince } from '#server/ops/metrics.ts';
import type { CollabContext } from './context.ts';
import { carriesUpdate } from './frames.ts';

/**
 * Counts what the collaboration server does, into the process's metrics (ops/metrics.ts):
 * open connections, loaded documents, updates accepted and refused (by the close reason's code
 * the ingest set on the connection), and the delivery latency (a frame received to its update
 * applied and relayed). Placed after the ingest, so its hooks see the ingest's verdict on the
 * same frame. The durable acknowledgement and the log's append latency are observed where they
 * happen (ingest.extension.ts, document-log.ts).
 */
export class MetricsExtension implements Extension {
	readonly extensionName = 'metrics';
	readonly #metrics: Metrics;
	/** Per connection, when the frame being handled arrived. */
	readonly #received = new WeakMap<Connection, number>();
	/** Connections whose current frame carries an accepted update. */
	readonly #accepted = new WeakSet<Connection>();
	/** Connections whose refusal was counted (a refused connection sends nothing more of use). */
	readonly #counted = new WeakSet<CollabContext>();

	constructor(metrics: Metrics) {
		this.#metrics = metrics;
	}

	async connected(_payload: connectedPayload): Promise<void> {
		this.#metrics.connections.inc();
	}

	async onDisconnect(_payload: onDisconnectPayload): Promise<void> {
		this.#metrics.connections.dec();
	}

	async afterLoadDocument(_payload: afterLoadDocumentPayload): Promise<void> {
		this.#metrics.documentsLoaded.inc();
	}

	async afterUnloadDocument(_payload: afterUnloadDocumentPayload): Promise<void> {
		this.#metrics.documentsLoaded.dec();
	}

	async beforeHandleMessage({
		connection,
		context
	}: beforeHandleMessagePayload<CollabContext>): Promise<void> {
		this.#received.set(connection, performance.now());
		this.#countRefusal(context);
	}

	async beforeSync({
		type,
		payload,
		connection,
		context
	}: beforeSyncPayload<CollabContext>): Promise<void> {
		if (this.#countRefusal(context)) return;
		if (!carriesUpdate(type) || connection.readOnly || payload.byteLength <= 2) return;
		this.#metrics.updatesAccepted.inc();
		this.#accepted.add(connection);
	}

	async afterHandleMessage({ connection }: afterHandleMessagePayload<CollabContext>) {
		const received = this.#received.get(connection);
		this.#received.delete(connection);
		if (!this.#accepted.has(connection)) return;
		this.#accepted.delete(connection);
		if (received !== undefined) this.#metrics.deliverySeconds.observe(secondsSince(received));
	}

	/** Counts a refusal once per connection; true when the connection is refused. */
	#countRefusal(context: CollabContext | undefined): boolean {
		if (!context?.refused) return false;
		if (!this.#counted.has(context)) {
			this.#counted.add(context);
			this.#metrics.updatesRefused.inc({ reason: context.refused });
		}
		return true;
	}
}
