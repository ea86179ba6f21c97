import type { Sql } from '../db/database.ts';

export interface StoredPushSubscription {
	id: string;
	userId: string;
	endpoint: string;
	p256dh: string;
	auth: string;
	createdAt: Date;
}

interface Row {
	id: string;
	user_id: string;
	endpoint: string;
	p256dh: string;
	auth: string;
	created_at: Date;
}

const fromRow = (row: Row): StoredPushSubscription => ({
	id: row.id,
	userId: row.user_id,
	endpoint: row.endpoint,
	p256dh: row.p256dh,
	auth: row.auth,
	createdAt: row.created_at
});

export class PushRepository {
	private readonly sql: Sql;

	constructor(sql: Sql) {
		this.sql = sql;
	}

	/**
	 * Stores a browser's subscription for a person. The endpoint names one browser profile: when
	 * it is already stored (subscribing again, or another person signed in on that browser), the
	 * row is taken over with the new keys, so a browser never pushes for two people.
	 */
	async upsert(input: {
		userId: string;
		endpoint: string;
		p256dh: string;
		auth: string;
		userAgent: string;
	}): Promise<StoredPushSubscription> {
		const [row] = await this.sql<Row[]>`
			insert into push_subscriptions (user_id, endpoint, p256dh, auth, user_agent)
			values (${input.userId}, ${input.endpoint}, ${input.p256dh}, ${input.auth}, ${input.userAgent})
			on conflict (endpoint) do update set
				user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
				user_agent = excluded.user_agent, created_at = now()
			returning id, user_id, endpoint, p256dh, auth, created_at`;
		return fromRow(row!);
	}

	async listForPerson(userId: string): Promise<StoredPushSubscription[]> {
		const rows = await this.sql<Row[]>`
			select id, user_id, endpoint, p256dh, auth, created_at from push_subscriptions
			where user_id = ${userId} order by created_at`;
		return rows.map(fromRow);
	}

	/** Removes a person's subscription by endpoint; another person's is left alone. */
	async deleteForPerson(userId: string, endpoint: string): Promise<boolean> {
		const rows = await this.sql`
			delete from push_subscriptions where user_id = ${userId} and endpoint = ${endpoint}
			returning id`;
		return rows.length > 0;
	}

	async deleteById(id: string): Promise<void> {
		await this.sql`delete from push_subscriptions where id = ${id}`;
	}
}
