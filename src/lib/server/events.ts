import { EventEmitter } from 'node:events';

/**
 * Domain events that other parts of the server react to (the collaboration server closes
 * connections of people who lost access, ends sockets of ended sessions). In-process; with
 * REDIS_URL the collaboration layer relays them to the other processes.
 */
export interface DomainEventMap {
	'person.changed': { orgId: string; personId: string };
	'sessions.ended': { userId: string; sessionIds: string[] | 'all' };
	'structure.changed': { orgId: string };
	'channel.changed': { orgId: string; channelId: string };
}

export class DomainEvents {
	readonly emitter = new EventEmitter();

	constructor() {
		this.emitter.setMaxListeners(100);
	}

	emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): void {
		this.emitter.emit(name, payload);
	}

	on<K extends keyof DomainEventMap>(
		name: K,
		listener: (payload: DomainEventMap[K]) => void
	): () => void {
		this.emitter.on(name, listener);
		return () => this.emitter.off(name, listener);
	}
}
