import { HocuspocusProvider, type HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import type postgres from 'postgres';
import { documentName } from '../../src/lib/shared/chat/document-schema.ts';
import { getMessage, postMessage } from '../../src/lib/shared/chat/messages.ts';
import { summaryMessageId } from '../../src/lib/server/breakouts/summary-message.ts';
import { repeatPresenceReport } from './presence-report.ts';
import { api, pool, type Member } from './api.ts';
import { socketFor, synced, watchFeedFromNow, withoutAwareness } from './notification-latency.ts';
import { Latencies } from './stats.ts';

/**
 * Scenario 12: many breakout rooms ending at the same moment. Each room has a creator and four
 * other members of a team channel (its parent). Every participant holds, on one socket each as a
 * tab does, their feed and the room's document; the creator holds the parent's document too.
 * From each room's end (`ends_at`, the server's clock, the same machine's) are timed: (a) the
 * participants' connections to the room turning read-only (the server closes them with
 * "access-changed" at the end, and they reopen read-only), (b) each participant's
 * `breakout.ended` feed event (the app returns them to the parent then), (c) the summary
 * message appearing in the parent's document (its id derives from the room's).
 */
export interface BreakoutRoom {
	id: string;
	parentId: string;
	/** The parent's head shard document. */
	parentDoc: string;
	creator: Member;
	/** Everyone in the room, the creator first. */
	people: Member[];
}

/** The watchers' sockets wait idle for the end: no reconnection for quiet meanwhile. */
const QUIET_MS = 10 * 60_000;

/** What the people of a room say: realistic enough for the summarizer to work on. */
const TRANSCRIPT: [speaker: number, text: (names: string[]) => string][] = [
	[0, () => 'Thanks for joining. We need to settle the launch plan for the beta today.'],
	[1, () => 'QA finishes the regression pass on the 12th, so the 14th looks possible.'],
	[2, () => 'Do we have the release notes ready for the 14th?'],
	[3, () => 'Mostly, the draft is in the shared folder and needs one more review.'],
	[0, () => 'We decided to launch the beta on the 14th, with the release notes reviewed first.'],
	[4, () => 'sounds good'],
	[3, () => "I'll finish the release notes review by Thursday."],
	[1, (n) => `${n[2]} will email the pilot customers about the beta date.`],
	[2, () => 'Agreed, I can send that tomorrow morning.'],
	[4, () => 'What about the pricing page, is it part of the beta?'],
	[0, () => 'No, pricing stays hidden until general availability.'],
	[1, () => 'Who owns the rollback plan if the migration fails?']
];

/** Opens one room per group through the API (as its creator does, from the parent channel). */
export async function openRooms(
	httpUrl: string,
	groups: { parentId: string; parentDoc: string; people: Member[] }[],
	durationMinutes: number
): Promise<BreakoutRoom[]> {
	return pool(groups, 4, async ({ parentId, parentDoc, people }, index) => {
		const [creator, ...others] = people;
		const made = await api<{ breakouts: { id: string }[] }>(
			httpUrl,
			'POST',
			`/api/channels/${parentId}/breakouts`,
			{
				token: creator!.token,
				body: {
					title: `Launch plan ${index + 1}`,
					durationMinutes,
					agenda: 'Beta launch date, release notes, owners',
					participantIds: others.map((person) => person.id)
				}
			}
		);
		return { id: made.data.breakouts[0]!.id, parentId, parentDoc, creator: creator!, people };
	});
}

/**
 * Moves the rooms' end (and their end jobs) to `endsAt`: their last minutes, as if the minutes
 * had passed (a breakout lasts at least 5). Run while no server holds the database (PGlite) or
 * before the participants connect (their connections learn the end when they open).
 */
export async function moveEnds(
	sql: postgres.Sql,
	rooms: BreakoutRoom[],
	endsAt: Date
): Promise<{ rooms: number; jobs: number }> {
	const ids = rooms.map((room) => room.id);
	const moved = await sql`update channels set ends_at = ${endsAt} where id = any(${ids}::uuid[])`;
	const jobs = await sql`update pgboss.job set start_after = ${endsAt}
		where name = 'breakouts.end' and state = 'created' and data->>'breakoutId' = any(${ids})`;
	return { rooms: moved.count, jobs: jobs.count };
}

export interface BreakoutEndResult {
	rooms: number;
	participants: number;
	/** (a) Each participant's open connection to the room turned read-only, from the room's end. */
	read_only: number;
	read_only_p50_ms: number | null;
	read_only_p99_ms: number | null;
	read_only_max_ms: number | null;
	/** (b) Each participant's `breakout.ended` feed event, from the room's end. */
	returned: number;
	returned_p50_ms: number | null;
	returned_p99_ms: number | null;
	returned_max_ms: number | null;
	/** (c) The summary in the parent's document, from the room's end (one per room). */
	summaries: number;
	summary_p50_ms: number | null;
	summary_p99_ms: number | null;
	summary_max_ms: number | null;
	/** Why the room connections closed, other than the end's "access-changed". */
	other_closes: Record<string, number>;
}

export interface BreakoutWatchers {
	/** Waits until every room's figures are in, or `deadline` (Date.now() ms) passes. */
	settled(deadline: number): Promise<void>;
	result(): BreakoutEndResult;
	close(): void;
}

/**
 * The people of every room talk in it (each on a socket of their own, as a tab does) until
 * everything they wrote is recorded: the transcripts the summaries read. Answers the count.
 */
export async function talkInRooms(wsUrl: string, rooms: BreakoutRoom[]): Promise<number> {
	let written = 0;
	await pool(rooms, 20, async (room) => {
		const names = room.people.map((person) => person.name);
		const sockets = room.people.map((person) => socketFor(wsUrl, person.token));
		const providers = room.people.map(
			(_, index) =>
				new HocuspocusProvider({
					websocketProvider: sockets[index]!,
					name: documentName('breakout', room.id, 0),
					token: 'cookie'
				})
		);
		try {
			for (const provider of providers) withoutAwareness(provider).attach();
			await Promise.all(providers.map((provider) => synced(provider, 'a breakout room')));
			for (const [speaker, text] of TRANSCRIPT) {
				postMessage(providers[speaker]!.document, room.people[speaker]!.id, {
					text: text(names)
				});
				written++;
			}
			// Acknowledged (accepted and recorded) when the server has no unsynced change left.
			await Promise.all(
				providers.map(
					(provider) =>
						new Promise<void>((resolve, reject) => {
							const timeout = setTimeout(() => reject(new Error('not acknowledged')), 60_000);
							const check = () => {
								if (provider.unsyncedChanges > 0) return;
								clearTimeout(timeout);
								provider.off('unsyncedChanges', check);
								resolve();
							};
							provider.on('unsyncedChanges', check);
							check();
						})
				)
			);
		} finally {
			for (const provider of providers) provider.destroy();
			for (const socket of sockets) socket.destroy();
		}
	});
	return written;
}

/**
 * Connects every participant (feed, presence and room; the creator also the parent), as their
 * tabs are open when the rooms end, and watches the ends. `endsAt` is the rooms' end
 * (Date.now() ms) as moved by `moveEnds`. As the app's tabs, they publish no awareness and
 * repeat their presence report every 15 s (which keeps an idle socket open: the server closes
 * one that says nothing for 30 s).
 */
export async function watchBreakouts(
	wsUrl: string,
	rooms: BreakoutRoom[],
	endsAt: number,
	presenceDoc: string
): Promise<BreakoutWatchers> {
	const readOnly = new Latencies();
	const returned = new Latencies();
	const summaries = new Latencies();
	const readOnlySeen = new Set<string>();
	const returnedSeen = new Set<string>();
	const summarySeen = new Set<string>();
	const otherCloses: Record<string, number> = {};
	const sockets: HocuspocusProviderWebsocket[] = [];
	const providers: HocuspocusProvider[] = [];
	const since = (at: number) => Float64Array.of(at - endsAt);
	const reports: (() => void)[] = [];
	let closing = false;

	await pool(rooms, 20, async (room) => {
		await Promise.all(
			room.people.map(async (person, index) => {
				const socket = socketFor(wsUrl, person.token, QUIET_MS);
				sockets.push(socket);
				const presence = new HocuspocusProvider({
					websocketProvider: socket,
					name: presenceDoc,
					token: 'cookie'
				});
				withoutAwareness(presence).attach();
				providers.push(presence);
				reports.push(
					repeatPresenceReport(
						(text) => presence.sendStateless(text),
						() => presence.synced
					)
				);
				await synced(presence, `${person.name}'s presence`);
				const feed = await watchFeedFromNow(socket, person, (event) => {
					const key = `${room.id} ${person.id}`;
					if (event.kind !== 'breakout.ended' || returnedSeen.has(key)) return;
					if ((event.data as { breakoutId?: string }).breakoutId !== room.id) return;
					returnedSeen.add(key);
					returned.add(since(Date.now()));
				});
				providers.push(feed);
				const inRoom = new HocuspocusProvider({
					websocketProvider: socket,
					name: documentName('breakout', room.id, 0),
					token: 'cookie',
					onClose: ({ event }) => {
						if (closing) return;
						const key = `${room.id} ${person.id}`;
						if (event.reason.startsWith('access-changed')) {
							if (readOnlySeen.has(key)) return;
							readOnlySeen.add(key);
							readOnly.add(since(Date.now()));
						} else {
							const reason = event.reason.split(':')[0] || String(event.code);
							otherCloses[reason] = (otherCloses[reason] ?? 0) + 1;
						}
					}
				});
				withoutAwareness(inRoom).attach();
				providers.push(inRoom);
				await synced(inRoom, `${person.name}'s breakout room`);
				if (index > 0) return;
				const parent = new HocuspocusProvider({
					websocketProvider: socket,
					name: room.parentDoc,
					token: 'cookie'
				});
				withoutAwareness(parent).attach();
				providers.push(parent);
				await synced(parent, `${person.name}'s parent channel`);
				const summaryId = summaryMessageId(room.id);
				const look = () => {
					if (summarySeen.has(room.id)) return;
					if (!getMessage(parent.document, room.creator.id, summaryId)) return;
					summarySeen.add(room.id);
					summaries.add(since(Date.now()));
					parent.document.off('update', look);
				};
				parent.document.on('update', look);
			})
		);
	});

	const participants = rooms.reduce((sum, room) => sum + room.people.length, 0);
	return {
		async settled(deadline) {
			while (
				Date.now() < deadline &&
				(readOnlySeen.size < participants ||
					returnedSeen.size < participants ||
					summarySeen.size < rooms.length)
			) {
				await new Promise((resolve) => setTimeout(resolve, 50));
			}
		},
		result: () => ({
			rooms: rooms.length,
			participants,
			read_only: readOnlySeen.size,
			read_only_p50_ms: readOnly.percentile(50),
			read_only_p99_ms: readOnly.percentile(99),
			read_only_max_ms: readOnly.max(),
			returned: returnedSeen.size,
			returned_p50_ms: returned.percentile(50),
			returned_p99_ms: returned.percentile(99),
			returned_max_ms: returned.max(),
			summaries: summarySeen.size,
			summary_p50_ms: summaries.percentile(50),
			summary_p99_ms: summaries.percentile(99),
			summary_max_ms: summaries.max(),
			other_closes: otherCloses
		}),
		close() {
			closing = true;
			for (const stop of reports) stop();
			for (const provider of providers) provider.destroy();
			for (const socket of sockets) socket.destroy();
		}
	};
}
