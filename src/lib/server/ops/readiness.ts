import { withTimeout } from './metrics.ts';

/** How long a probe's answer is reused: a load balancer polling every second probes at most once. */
export const PROBE_CACHE_MS = 1_000;
/** A dependency that does not answer within this is taken as out of reach. */
export const PROBE_TIMEOUT_MS = 1_000;

export type ReadinessState = 'starting' | 'ready' | 'draining';

export interface ReadinessReport {
	ready: boolean;
	state: ReadinessState;
	/** Each dependency: true when it answered its probe. */
	checks: Record<string, boolean>;
}

/**
 * Whether this process should get traffic (GET /readyz): it has started, is not draining after
 * SIGTERM, and every dependency registered here (the database, file storage, Redis when
 * configured) answered its probe. The probes run at most once per PROBE_CACHE_MS, and never two
 * at a time: callers within the window, or while a round is running, share its answer.
 */
export class Readiness {
	#state: ReadinessState = 'starting';
	readonly #probes = new Map<string, () => Promise<unknown>>();
	#last: { at: number; checks: Record<string, boolean> } | null = null;
	#running: Promise<Record<string, boolean>> | null = null;

	get state(): ReadinessState {
		return this.#state;
	}

	/** Registers a dependency's probe: it resolves when the dependency answers. */
	probe(name: string, check: () => Promise<unknown>): void {
		this.#probes.set(name, check);
		this.#last = null;
	}

	/** The process serves: from now on readiness is the dependencies'. */
	ready(): void {
		if (this.#state === 'starting') this.#state = 'ready';
	}

	/** SIGTERM: never ready again, whatever the dependencies say. */
	drain(): void {
		this.#state = 'draining';
	}

	async report(): Promise<ReadinessReport> {
		const checks = await this.#checks();
		const ready = this.#state === 'ready' && Object.values(checks).every(Boolean);
		return { ready, state: this.#state, checks };
	}

	#checks(): Promise<Record<string, boolean>> {
		if (this.#last && Date.now() - this.#last.at < PROBE_CACHE_MS) {
			return Promise.resolve(this.#last.checks);
		}
		this.#running ??= this.#probeAll().finally(() => (this.#running = null));
		return this.#running;
	}

	async #probeAll(): Promise<Record<string, boolean>> {
		const entries = await Promise.all(
			[...this.#probes].map(async ([name, check]) => {
				try {
					await withTimeout(check(), PROBE_TIMEOUT_MS);
					return [name, true] as const;
				} catch {
					return [name, false] as const;
				}
			})
		);
		const checks = Object.fromEntries(entries);
		this.#last = { at: Date.now(), checks };
		return checks;
	}
}
