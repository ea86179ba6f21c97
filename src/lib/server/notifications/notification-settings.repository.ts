import type { Sql } from '../db/database.ts';

/**
 * Per-person delivery switches; a person without a row has the defaults (email on, the server's
 * batching interval).
 */
export class NotificationSettingsRepository {
	private readonly sql: Sql;

	constructor(sql: Sql) {
		this.sql = sql;
	}

	async emailEnabled(userId: string): Promise<boolean> {
		const [row] = await this.sql<{ email_enabled: boolean }[]>`
			select email_enabled from notification_settings where user_id = ${userId}`;
		return row?.email_enabled ?? true;
	}

	/** A person who no longer exists is left alone (a link outliving its account). */
	async setEmailEnabled(userId: string, enabled: boolean): Promise<void> {
		await this.sql`
			insert into notification_settings (user_id, email_enabled)
			select id, ${enabled} from users where id = ${userId}
			on conflict (user_id) do update set email_enabled = excluded.email_enabled, updated_at = now()`;
	}

	/** The person's own batching interval in seconds, or null: they did not choose one. */
	async emailBatchSeconds(userId: string): Promise<number | null> {
		const [row] = await this.sql<{ seconds: number | null }[]>`
			select email_batch_seconds as seconds from notification_settings where user_id = ${userId}`;
		return row?.seconds ?? null;
	}

	async setEmailBatchSeconds(userId: string, seconds: number): Promise<void> {
		await this.sql`
			insert into notification_settings (user_id, email_batch_seconds)
			select id, ${seconds} from users where id = ${userId}
			on conflict (user_id) do update
				set email_batch_seconds = excluded.email_batch_seconds, updated_at = now()`;
	}
}
