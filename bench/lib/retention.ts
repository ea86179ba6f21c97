import type postgres from 'postgres';
import { writeOldMessages } from '../../src/lib/server/retention/testing/old-messages.ts';
import { SHARD_CAPACITY } from '../../src/lib/shared/chat/document-schema.ts';
import { api, type Organization } from './api.ts';

const DAY = 86_400_000;

/**
 * Scenario 15's history: `total` messages accepted three days ago, spread over private groups of
 * the organization in full shards of SHARD_CAPACITY (each shard a document, half of it in the
 * compacted state and half in the update log), written straight into the database as the server
 * keeps them (scenario 12's way: PGlite's folder takes one process, so with the server stopped),
 * and the organization's rule set to one day. Answers the channel ids.
 */
export async function seedOldHistory(
	sql: postgres.Sql,
	org: Organization,
	channelIds: string[],
	total: number
): Promise<void> {
	const authorId = org.admin.id;
	const old = Date.now() - 3 * DAY;
	const perChannel = Math.ceil(total / channelIds.length);
	let written = 0;
	for (const channelId of channelIds) {
		let shard = 0;
		for (let inChannel = 0; inChannel < perChannel && written < total; shard++) {
			const count = Math.min(SHARD_CAPACITY, perChannel - inChannel, total - written);
			await writeOldMessages(
				sql,
				{ id: channelId, shard },
				Array.from({ length: count }, (_, i) => ({
					authorId,
					text: `Old message ${written + i} of the retention bench, long enough to be a real line of chat`,
					at: old + written + i
				}))
			);
			inChannel += count;
			written += count;
		}
		await sql`update channels set head_shard = ${shard} where id = ${channelId}`;
	}
	await sql`
		insert into retention_rules (org_id, channel_id, keep_days) values (${org.id}, null, 1)
		on conflict (org_id) where channel_id is null do update set keep_days = 1`;
}

export interface RetentionRunWatch {
	/** Starts the run (POST /api/retention/run) and follows it until it has finished. */
	start(): () => Promise<void>;
	result(): {
		deleted: number;
		run_s: number | null;
		messages_per_s: number | null;
		finished_during_measure: boolean;
	};
}

/** The run through the API, as "Run now" starts it, followed through GET /api/retention. */
export function watchRetentionRun(baseUrl: string, org: Organization): RetentionRunWatch {
	let startedAt = 0;
	let finishedAt: number | null = null;
	let deleted = 0;
	let stopped = false;
	let finishedDuring = false;
	let polling: Promise<void> = Promise.resolve();
	const poll = async () => {
		while (!stopped || finishedAt === null) {
			const { data } = await api<{
				lastRun: { finishedAt: string | null; messagesDeleted: number } | null;
			}>(baseUrl, 'GET', '/api/retention', { token: org.admin.token });
			if (data.lastRun) deleted = data.lastRun.messagesDeleted;
			if (data.lastRun?.finishedAt) {
				finishedAt = performance.now();
				finishedDuring = !stopped;
				return;
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	};
	return {
		start() {
			startedAt = performance.now();
			polling = api(baseUrl, 'POST', '/api/retention/run', { token: org.admin.token }).then(poll);
			return async () => {
				stopped = true;
				await polling;
			};
		},
		result() {
			const runS = finishedAt === null ? null : (finishedAt - startedAt) / 1000;
			return {
				deleted,
				run_s: runS === null ? null : Math.round(runS * 10) / 10,
				messages_per_s: runS ? Math.round(deleted / runS) : null,
				finished_during_measure: finishedDuring
			};
		}
	};
}
