import type {
	Connection,
	connectedPayload,
	Extension,
	onStatelessPayload
} from '@hocuspocus/server';
import {
	combineStatus,
	presenceChanges,
	parsePresenceReport,
	type LocalStatus,
	type PresenceView
} from '#shared/chat/presence.ts';
import { closeReason } from '#shared/collab/close-reasons.ts';
import type { CollabContext } from './context.ts';
import type { PresenceStore } from './presence-store.ts';
import { logger } from '#server/logging/logger.ts';

/** The tabs of one organization connected to this process, and what they were last told. */
interface OrgPresence {
	tabs: Map<Connection, { userId: string; status: LocalStatus }>;
	/** This process's people changed since it last published them. */
	dirty: boolean;
	publishedAt: number;
	/** The view every tab here has been sent (everyone's status over every process). */
	sent: Map<string, LocalStatus>;
	sentAt: number;
}

export interface PresenceOptions {
	/** How often changes are published and sent out. */
	tickMs?: number;
	/** How often an unchanged process rewrites what it says (the store's liveness). */
	refreshMs?: number;
	/**
	 * Longest silence towards a tab. The provider reconnects a socket that received nothing for
	 * 30 s, and presence may be all an idle tab hears: an empty change keeps it connected.
	 */
	heartbeatMs?: number;
}

/**
 * Presence of the people of each organization, from the tabs connected to its presence document
 * (`presence.<orgId>`, see src/lib/shared/chat/presence.ts). Each tab reports its own status;
 * once a tick, the process publishes its people's statuses to the store, reads everybody's back
 * (other processes' too) and sends each of its tabs only what changed. A tab that connects gets
 * the whole view at once.
 */
export class PresenceExtension implements Extension {
	readonly extensionName = 'connectflow-presence';
	readonly priority = 700;
	readonly store: PresenceStore;
	private readonly orgs = new Map<string, OrgPresence>();
	private readonly tickMs: number;
	private readonly refreshMs: number;
	private readonly heartbeatMs: number;
	private timer: ReturnType<typeof setInterval> | null = null;
	private ticking = false;

	constructor(store: PresenceStore, options: PresenceOptions = {}) {
		this.store = store;
		this.tickMs = options.tickMs ?? 1_000;
		this.refreshMs = options.refreshMs ?? 10_000;
		this.heartbeatMs = options.heartbeatMs ?? 15_000;
	}

	async connected({ connection, context }: connectedPayload<CollabContext>): Promise<void> {
		if (context.kind !== 'presence') return;
		const org = this.org(context.orgId);
		org.tabs.set(connection, { userId: context.user.id, status: 'online' });
		org.dirty = true;
		connection.onClose(() => {
			org.tabs.delete(connection);
			org.dirty = true;
		});
		// The last view sent here, with this process's own people as they are now.
		const view = new Map(org.sent);
		for (const [id, status] of ownPeople(org)) view.set(id, status);
		const full: PresenceView = { full: true, people: Object.fromEntries(view) };
		connection.sendStateless(JSON.stringify(full));
		this.start();
	}

	async onStateless({ connection, payload }: onStatelessPayload): Promise<void> {
		const context = connection.context as CollabContext | undefined;
		if (context?.kind !== 'presence') return;
		const org = this.orgs.get(context.orgId);
		const tab = org?.tabs.get(connection);
		if (!org || !tab) return;
		const report = parsePresenceReport(payload);
		if (!report) {
			connection.close(closeReason('refused', 'malformed presence report'));
			return;
		}
		if (tab.status === report.status) return;
		tab.status = report.status;
		org.dirty = true;
	}

	/** Publishes this process's changes and sends every tab what changed (a tick). */
	async flush(): Promise<void> {
		if (this.ticking) return;
		this.ticking = true;
		try {
			for (const [orgId, org] of this.orgs) await this.flushOrg(orgId, org);
		} finally {
			this.ticking = false;
		}
	}

	private async flushOrg(orgId: string, org: OrgPresence): Promise<void> {
		const now = Date.now();
		if (org.dirty || now - org.publishedAt >= this.refreshMs) {
			org.dirty = false;
			org.publishedAt = now;
			await this.store.publish(orgId, ownPeople(org));
		}
		if (org.tabs.size === 0) {
			this.orgs.delete(orgId);
			if (this.orgs.size === 0) this.stop();
			return;
		}
		const view = await this.store.read(orgId);
		const changes = presenceChanges(org.sent, view);
		org.sent = view;
		if (!changes && now - org.sentAt < this.heartbeatMs) return;
		org.sentAt = now;
		const message = JSON.stringify({ full: false, people: changes ?? {} } satisfies PresenceView);
		for (const connection of org.tabs.keys()) connection.sendStateless(message);
	}

	private org(orgId: string): OrgPresence {
		let org = this.orgs.get(orgId);
		if (!org) {
			org = { tabs: new Map(), dirty: true, publishedAt: 0, sent: new Map(), sentAt: Date.now() };
			this.orgs.set(orgId, org);
		}
		return org;
	}

	private start(): void {
		if (this.timer) return;
		this.timer = setInterval(() => {
			this.flush().catch((error) => logger.error({ err: error }, 'presence tick failed'));
		}, this.tickMs);
		this.timer.unref();
	}

	private stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}

	/** Stops the ticks and takes back what this process published (it is shutting down). */
	async close(): Promise<void> {
		this.stop();
		this.orgs.clear();
		await this.store.withdraw();
	}
}

/** Each person connected here with the best status of their tabs. */
function ownPeople(org: OrgPresence): Map<string, LocalStatus> {
	const people = new Map<string, LocalStatus>();
	for (const { userId, status } of org.tabs.values()) {
		people.set(userId, combineStatus(people.get(userId), status));
	}
	return people;
}
