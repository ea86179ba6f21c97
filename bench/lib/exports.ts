import { openDatabase } from '../../src/lib/server/db/database.ts';
import { api, type Organization } from './api.ts';
import { childProcessesOf, commandOf, ProcessMonitor, round, sampleProcess } from './proc.ts';

/** Messages of scenario 14's channel: the issue's 1,000,000, or 100,000 with --quick. */
export const exportSize = (quick: boolean) => (quick ? 100_000 : 1_000_000);

/**
 * A private channel of the administrator's, made through the API; its history is written
 * straight into the database by `seedExportHistory` while the product is stopped.
 */
export async function createExportChannel(baseUrl: string, org: Organization): Promise<string> {
	const created = await api<{ id: string }>(baseUrl, 'POST', '/api/channels', {
		token: org.admin.token,
		body: { kind: 'private', name: `Export ${Date.now().toString(36)}`, memberIds: [] }
	});
	return created.data.id;
}

/**
 * `count` messages over the last year in the channel, as the record keeps them: a version row
 * for each, every tenth edited (a second version), every fiftieth deleted by its author (a
 * tombstone version), every tenth a reply to the one before. Two statements, with statistics
 * refreshed after (PGlite has no autovacuum).
 */
export async function seedExportHistory(
	where: { pgliteDir?: string; databaseUrl?: string },
	channelId: string,
	authorId: string,
	count: number
): Promise<number> {
	const started = performance.now();
	const database = await openDatabase({
		databaseUrl: where.databaseUrl,
		pgliteDir: where.pgliteDir
	});
	try {
		const sql = database.sql;
		await sql`
			insert into messages (id, channel_id, shard, author_id, thread_id, text, version,
				created_at, accepted_at, edited_at, deleted_at)
			select md5('x' || ${channelId} || g)::uuid, ${channelId}, 0, ${authorId},
				case when g % 10 = 0 then md5('x' || ${channelId} || (g - 1))::uuid end,
				case when g % 50 = 0 then '' when g % 10 = 0 then 'Edited export message ' || g
					else 'Export message ' || g || ', with a few more words as people write them' end,
				case when g % 10 = 0 then 2 else 1 end, at, at,
				case when g % 10 = 0 then at + interval '1 minute' end,
				case when g % 50 = 0 then at + interval '1 minute' end
			from generate_series(1, ${count}) as g
			cross join lateral (
				select now() - ((${count} - g)::float8 / ${count}) * interval '365 days' as at) t`;
		await sql`
			insert into message_versions (message_id, version, text, deleted, recorded_at)
			select md5('x' || ${channelId} || g)::uuid, v,
				case when v = 1 then 'Export message ' || g || ', with a few more words as people write them'
					when g % 50 = 0 then '' else 'Edited export message ' || g end,
				v = 2 and g % 50 = 0,
				now() - ((${count} - g)::float8 / ${count}) * interval '365 days' + (v - 1) * interval '1 minute'
			from generate_series(1, ${count}) as g
			cross join lateral (select generate_series(1, case when g % 10 = 0 then 2 else 1 end) as v) vs`;
		await sql`analyze messages`;
		await sql`analyze message_versions`;
	} finally {
		await database.close();
	}
	return (performance.now() - started) / 1000;
}

export interface ExportRun {
	/** Resolves once the export is done (or failed), with its figures. */
	finished: Promise<{
		status: string;
		messages: number;
		bytes: number;
		seconds: number;
		messagesPerS: number;
		peakRssMb: number;
		rssBeforeMb: number;
		/** The export process's peak (a child of the server: export-process.ts). */
		exportProcessPeakRssMb: number;
		/** The peak of the server and its export process together, sampled at the same moments. */
		peakTogetherRssMb: number;
	}>;
}

/**
 * Asks for the export of the channel (JSON lines and CSV, as a manager would) and follows it
 * until it is done, sampling the server's resident memory once a second from the ask.
 */
export function startExport(
	baseUrl: string,
	org: Organization,
	channelId: string,
	serverPid: number
): ExportRun {
	const monitor = new ProcessMonitor([serverPid]);
	const rssBefore = monitor.start().stop().rssMb;
	monitor.start();
	// The export runs in a child process of the server (its image process is one too, idle here).
	let exportPeak = 0;
	let togetherPeak = 0;
	const exportSampler = setInterval(() => {
		let exportRss = 0;
		for (const pid of childProcessesOf(serverPid)) {
			const command = commandOf(pid);
			if (command.includes('export-process.entry')) exportRss += sampleProcess(pid)?.rssMb ?? 0;
		}
		exportPeak = Math.max(exportPeak, exportRss);
		togetherPeak = Math.max(togetherPeak, (sampleProcess(serverPid)?.rssMb ?? 0) + exportRss);
	}, 250);
	const started = performance.now();
	const finished = (async () => {
		const asked = await api<{ id: string }>(baseUrl, 'POST', '/api/exports', {
			token: org.admin.token,
			body: { scope: { kind: 'channel', channelId }, formats: ['jsonl', 'csv'] }
		});
		for (;;) {
			const { data } = await api<{
				status: string;
				doneMessages: number;
				bytes: number | null;
			}>(baseUrl, 'GET', `/api/exports/${asked.data.id}`, { token: org.admin.token });
			if (data.status === 'done' || data.status === 'failed') {
				const seconds = (performance.now() - started) / 1000;
				const memory = monitor.stop();
				clearInterval(exportSampler);
				return {
					status: data.status,
					messages: data.doneMessages,
					bytes: data.bytes ?? 0,
					seconds: round(seconds, 2),
					messagesPerS: Math.round(data.doneMessages / seconds),
					peakRssMb: memory.rssMb,
					rssBeforeMb: rssBefore,
					exportProcessPeakRssMb: round(exportPeak, 1),
					peakTogetherRssMb: round(togetherPeak, 1)
				};
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	})();
	return { finished };
}
