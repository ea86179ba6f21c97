import type { Sql } from '../db/database.ts';

/**
 * Values the server makes once and keeps in the database, so every process and every restart
 * uses the same one (the unsubscribe links' HMAC key, the VAPID key pair).
 */
export class ServerSecretsRepository {
	private readonly sql: Sql;

	constructor(sql: Sql) {
		this.sql = sql;
	}

	/**
	 * The secret `name`: made by `generate` the first time. Insert-if-absent, then read back:
	 * when two processes start at once, both keep the value that won the insert.
	 */
	async getOrCreate(name: string, generate: () => string): Promise<string> {
		await this.sql`
			insert into server_secrets (name, value) values (${name}, ${generate()})
			on conflict (name) do nothing`;
		const [row] = await this.sql<{ value: string }[]>`
			select value from server_secrets where name = ${name}`;
		if (!row) throw new Error(`Server secret ${name} was not stored`);
		return row.value;
	}

	/** The secret `name` if it was made, else null (for checks that must not write). */
	async get(name: string): Promise<string | null> {
		const [row] = await this.sql<{ value: string }[]>`
			select value from server_secrets where name = ${name}`;
		return row?.value ?? null;
	}
}
