import postgres from 'postgres';
import { postMessage } from '../../src/lib/shared/chat/messages.ts';
import {
	startSmtpTestServer,
	type SmtpTestServer
} from '../../src/lib/server/mail/testing/smtp-test-server.ts';
import type { Member } from './api.ts';
import { openAs } from './notification-latency.ts';
import { round } from './proc.ts';
import { onProductDatabase, type ProductDatabase } from './servers.ts';

/**
 * Scenario 11: an @channel reaching people who are away by email. The SMTP server the product
 * sends to (SMTP_URL) is the tests' real one (smtp-server, every message parsed by mailparser),
 * in the harness process; each arrival is stamped on the monotonic clock, the same in every
 * process of the machine, so it compares with the time of the @channel's write.
 */
export interface EmailReceiver {
	url: string;
	/** The emails to addresses containing `addressPart`, with their arrival (performance.now()). */
	arrivals(addressPart: string): { at: number; to: string[]; text: string }[];
	close(): Promise<void>;
}

export async function startEmailReceiver(): Promise<EmailReceiver> {
	const smtp: SmtpTestServer = await startSmtpTestServer();
	const stamps: number[] = [];
	// The test server keeps what it received in order; stamp each new one as it appears (5 ms
	// resolution, far below the seconds measured).
	const timer = setInterval(() => {
		const now = performance.now();
		while (stamps.length < smtp.received.length) stamps.push(now);
	}, 5);
	return {
		url: smtp.url,
		arrivals(addressPart) {
			return smtp.received.flatMap((mail, i) =>
				mail.to.some((to) => to.includes(addressPart))
					? [{ at: stamps[i] ?? performance.now(), to: mail.to, text: mail.parsed.text ?? '' }]
					: []
			);
		},
		async close() {
			clearInterval(timer);
			await smtp.close();
		}
	};
}

/**
 * Sets how long the organization's people's emails wait for more (notification_settings.
 * email_batch_seconds, which no API sets: migration 009's default is 10 minutes). On Postgres
 * while the server runs; PGlite's folder takes one process, so the caller stops the server first.
 */
export async function setEmailBatchSeconds(
	target: ProductDatabase,
	orgId: string,
	seconds: number
): Promise<number> {
	const statement = (sql: postgres.Sql) =>
		sql.unsafe(
			`insert into notification_settings (user_id, email_batch_seconds)
			 select id, $2 from users where org_id = $1
			 on conflict (user_id) do update set email_batch_seconds = excluded.email_batch_seconds
			 returning user_id`,
			[orgId, seconds]
		);
	return (await onProductDatabase(target, statement)).length;
}

/** Counts on Postgres of what the @channel made: notifications and email jobs by state. */
export async function emailJobCounts(
	databaseUrl: string,
	messageId: string,
	jobKind: string
): Promise<{ notifications: number; email_jobs: Record<string, number> }> {
	const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	try {
		const [notes] = await sql<{ count: number }[]>`
			select count(*)::int as count from notifications where message_id = ${messageId}`;
		const jobs = await sql<{ state: string; count: number }[]>`
			select state, count(*)::int as count from pgboss.job where name = ${jobKind} group by state`;
		return {
			notifications: notes!.count,
			email_jobs: Object.fromEntries(jobs.map((row) => [row.state, row.count]))
		};
	} finally {
		await sql.end();
	}
}

/** The administrator of the away organization, in its announcements channel as a browser is. */
export async function openAnnouncer(wsUrl: string, admin: Member, announcementsDoc: string) {
	const { provider, close } = await openAs(
		wsUrl,
		admin,
		announcementsDoc,
		'the announcements channel'
	);
	return {
		/** Posts one @channel (a Yjs write, as the browser does); answers its id and send time. */
		announce(): { id: string; sentAt: number } {
			const id = crypto.randomUUID();
			const sentAt = performance.now();
			postMessage(provider.document, admin.id, {
				id,
				text: '@channel the office is closed tomorrow: please read before you come in',
				mentions: ['channel'],
				now: Date.now()
			});
			return { id, sentAt };
		},
		close
	};
}

/** The figures of the emails that arrived for one @channel. */
export function emailFigures(arrivals: { at: number }[], sentAt: number, expected: number) {
	const times = arrivals.map((arrival) => (arrival.at - sentAt) / 1000).sort((a, b) => a - b);
	const first = times[0] ?? null;
	const last = times.at(-1) ?? null;
	return {
		emails_expected: expected,
		emails_received: times.length,
		first_email_s: first === null ? null : round(first, 2),
		last_email_s: last === null ? null : round(last, 2),
		// Sending rate once the batching interval is over: emails after the first, per second.
		emails_per_s:
			first !== null && last !== null && last > first
				? round((times.length - 1) / (last - first), 2)
				: null
	};
}
