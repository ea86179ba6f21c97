import {
	renderSummaryMarkdown,
	summarizeBreakout,
	type LlmSettings,
	type SummaryThread
} from './summary/index.ts';
import { randomInt } from 'node:crypto';
import type { Sql } from '../db/database.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { DomainServiceWith } from '../domain-service.ts';
import type { ChannelRepository, ChannelRow, MemberRow } from '../channels/channel.repository.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import type { FeedService } from '../feed/feed.service.ts';
import type { NotificationService } from '../notifications/notification.service.ts';
import type { StoredNotification } from '../notifications/notification.repository.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { TurnBatch } from '../jobs/turn-batch.ts';
import type { Logger } from '../logging/logger.ts';
import { breakoutPolicy, type Actor, type ChannelAccess } from '#shared/policy.ts';
import {
	BREAKOUT_MAX_TOTAL_MINUTES,
	type AddBreakoutParticipantsInput,
	type Breakout,
	type CreateBreakoutInput,
	type ExtendBreakoutInput
} from '#shared/api/breakouts.schema.ts';
import type { BreakoutRepository, BreakoutRow } from './breakout.repository.ts';
import { summaryMessageId } from './summary-message.ts';
import {
	breakoutJobIds,
	endBreakoutJob,
	summarizeBreakoutJob,
	warnBreakoutJob
} from './breakout.jobs.ts';

/** Minutes before the end at which the participants are warned. */
const WARNINGS = [5, 1] as const;
const MINUTE = 60_000;
/** Rooms ended this long ago whose summary is not in the parent are the sweep's to post. */
const SUMMARY_SWEEP_AFTER_MS = MINUTE;

/**
 * Breakout rooms (issue 17): timed side rooms of a channel. A room is a `channels` row of kind
 * 'breakout' (membership, message record, search, read marks and the read-only end of project
 * rooms come with it) plus a `breakouts` row (parent, agenda, state, timer version). Its end is
 * a job at `ends_at`; extending or ending early raises the timer version, so the old job does
 * nothing. Access first: the parent channel's rights decide who may open, extend and end.
 */
export class BreakoutService extends DomainServiceWith<{
	breakouts: BreakoutRepository;
	channelRows: ChannelRepository;
	channels: ChannelService;
	feed: FeedService;
	notifications: NotificationService;
	jobs: JobQueue;
	publicUrl: string;
	log: Logger;
	/** A language model that writes summaries (LLM_*), or null: the built-in summarizer does. */
	llm: LlmSettings | null;
	/** Where the built-in summarizer runs, off the event loop that serves the sockets. */
	summaries: SummaryThread;
}>() {
	/**
	 * Writes a saved summary into the parent channel, once (the collaboration server's
	 * SummaryPoster registers it when it starts); null in a process that serves no documents.
	 */
	#summaryWriter: ((breakoutId: string) => Promise<void>) | null = null;

	/** The end jobs of one batch, ended together (`endDue`). */
	readonly #dueEnds = new TurnBatch<{ id: string; version: number }, void>((due) =>
		this.endDue(due)
	);

	// ——— What people ask for (the API) ———

	/**
	 * Opens one room with the chosen members of the parent, or splits them into several rooms
	 * (at random, or balanced by team). The creator is in every room. Nothing is written when any
	 * chosen person is not a member of the parent.
	 */
	async create(actor: Actor, parentId: string, input: CreateBreakoutInput): Promise<Breakout[]> {
		const { channel: parent, access } = await this.channels.access(actor, parentId);
		if (parent.kind === 'dm' || parent.kind === 'breakout') {
			throw new AppError('CONFLICT', 'Breakout rooms open from channels, not from this.');
		}
		if (!breakoutPolicy.create(actor, access)) {
			throw forbidden('Only people who may post in this channel open breakout rooms.');
		}
		const members = await this.channelRows.members(parent);
		const groups = this.groups(actor, parent, members, input);
		const now = new Date();
		const endsAt = new Date(now.getTime() + input.durationMinutes * MINUTE);
		const notified: string[] = [];
		const invitations: StoredNotification[] = [];
		const ids = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const made: string[] = [];
			for (const [index, group] of groups.entries()) {
				const row = await this.channelRows.insert(
					{
						orgId: actor.orgId,
						kind: 'breakout',
						name: groups.length > 1 ? `${input.title} ${index + 1}` : input.title,
						startsAt: now,
						endsAt,
						createdBy: actor.id
					},
					sql
				);
				const people = [actor.id, ...group];
				await this.channelRows.addMembers(row.id, people, actor.id, sql);
				await this.breakouts.insert(
					{ channelId: row.id, parentId: parent.id, orgId: actor.orgId, agenda: input.agenda },
					sql
				);
				await this.record(sql, actor, 'breakout.create', row.id, undefined, {
					parentId: parent.id,
					title: row.name,
					endsAt: endsAt.toISOString(),
					participantIds: group
				});
				notified.push(...(await this.feed.conversationAdded(sql, row.id, people)));
				invitations.push(
					...(await this.notifications.invited(sql, row, actor.id, group, 'breakout'))
				);
				made.push(row.id);
			}
			return made;
		});
		this.feed.notify(notified);
		this.notifications.announce(invitations);
		const rooms: Breakout[] = [];
		for (const id of ids) {
			const row = (await this.breakouts.find(id))!;
			await this.scheduleTimers(row);
			rooms.push(await this.present(row));
		}
		return rooms;
	}

	/** The parent's rooms the person is in; its moderators see them all. */
	async list(actor: Actor, parentId: string): Promise<Breakout[]> {
		const { access } = await this.channels.access(actor, parentId);
		const rows = await this.breakouts.ofParent(parentId, access.moderate ? null : actor.id);
		return Promise.all(rows.map((row) => this.present(row)));
	}

	/** A room its participants (and creator) read; anyone else is told it does not exist. */
	async get(actor: Actor, id: string): Promise<Breakout> {
		const { row } = await this.readable(actor, id);
		return this.present(row);
	}

	/** More members of the parent into a running room: its creator or a parent moderator. */
	async addParticipants(
		actor: Actor,
		id: string,
		input: AddBreakoutParticipantsInput
	): Promise<Breakout> {
		const { row, parent } = await this.controlled(actor, id);
		const memberIds = new Set((await this.channelRows.members(parent)).map((m) => m.id));
		requireMembers(parent, memberIds, input.userIds);
		const userIds = [...new Set(input.userIds)];
		let invitations: StoredNotification[] = [];
		const notified = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const locked = await this.breakouts.lock(id, sql);
			requireRunning(locked!);
			await this.channelRows.addMembers(id, userIds, actor.id, sql);
			await this.record(sql, actor, 'breakout.participants.add', id, undefined, { userIds });
			const added = await this.feed.conversationAdded(sql, id, userIds);
			invitations = await this.notifications.invited(
				sql,
				(await this.channelRows.find(id, sql))!,
				actor.id,
				userIds,
				'breakout'
			);
			return added;
		});
		this.events.emit('channel.changed', { orgId: row.orgId, channelId: id });
		this.feed.notify(notified);
		this.notifications.announce(invitations);
		return this.present((await this.breakouts.find(id))!);
	}

	/**
	 * More minutes for a running room (its creator or a parent moderator), at most
	 * BREAKOUT_MAX_TOTAL_MINUTES in all. The old timer does nothing; everyone's countdown moves.
	 */
	async extend(actor: Actor, id: string, input: ExtendBreakoutInput): Promise<Breakout> {
		await this.controlled(actor, id);
		const { row, notified } = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const locked = (await this.breakouts.lock(id, sql))!;
			requireRunning(locked);
			const endsAt = new Date(locked.endsAt.getTime() + input.minutes * MINUTE);
			if (endsAt.getTime() - locked.startsAt.getTime() > BREAKOUT_MAX_TOTAL_MINUTES * MINUTE) {
				throw new AppError(
					'VALIDATION_FAILED',
					`A breakout room runs at most ${BREAKOUT_MAX_TOTAL_MINUTES} minutes in all.`,
					{ details: { issues: [{ path: 'minutes', message: 'Too long in all.' }] } }
				);
			}
			await this.breakouts.setEnd(id, endsAt, sql);
			await this.record(
				sql,
				actor,
				'breakout.extend',
				id,
				{ endsAt: locked.endsAt.toISOString() },
				{ endsAt: endsAt.toISOString() }
			);
			const row = (await this.breakouts.find(id, sql))!;
			return { row, notified: await this.tellChanged(sql, row) };
		});
		this.events.emit('channel.changed', { orgId: row.orgId, channelId: id });
		this.feed.notify(notified);
		await this.scheduleTimers(row);
		return this.present(row);
	}

	/** Ends a running room now (its creator or a parent moderator). */
	async end(actor: Actor, id: string): Promise<Breakout> {
		await this.controlled(actor, id);
		const row = await this.finish(id, null, actor);
		if (!row) throw new AppError('CONFLICT', 'This breakout room has ended already.');
		return this.present(row);
	}

	// ——— The timers (breakout.jobs.ts) ———

	/**
	 * The end job: does nothing unless the room still runs on timer `version`. The end jobs taken
	 * in one batch end their rooms together (`endDue`).
	 */
	endByTimer(id: string, version: number): Promise<void> {
		return this.#dueEnds.add({ id, version });
	}

	/** The warning job: told only while the room still runs on timer `version`. */
	async warn(id: string, version: number, minutesLeft: number): Promise<void> {
		const notified = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const row = await this.breakouts.lock(id, sql);
			if (!row || row.state !== 'running' || row.timerVersion !== version) return [];
			const people = await this.participantIds(id, sql);
			return this.feed.tell(sql, people, {
				kind: 'breakout.warning',
				data: {
					breakoutId: id,
					parentId: row.parentId,
					minutesLeft,
					endsAt: row.endsAt.toISOString()
				}
			});
		});
		this.feed.notify(notified);
	}

	/**
	 * The summary job (and the sweep): the room's summary, made and saved once, then posted in
	 * the parent once. Done only when the summary is in the parent's record: a process that dies
	 * between saving and posting leaves the job to be retried (or the sweep to find it), and this
	 * posts the saved summary then, without making it again.
	 */
	async summarize(id: string): Promise<void> {
		const row = await this.breakouts.find(id);
		if (!row || row.state !== 'ended') return;
		if (row.summary === null) await this.postSummary(row);
		else await this.writeSummary(id);
	}

	/** Registers the writer of summaries into parent channels; answers what puts back the one before. */
	writeSummariesWith(writer: (breakoutId: string) => Promise<void>): () => void {
		const before = this.#summaryWriter;
		this.#summaryWriter = writer;
		return () => {
			if (this.#summaryWriter === writer) this.#summaryWriter = before;
		};
	}

	/**
	 * The summary of an ended room in its parent channel: key points, decisions, action items with
	 * their owners and open questions (breakouts/summary/: a language model when configured, else
	 * the built-in summarizer on its own thread), with the title, duration, participants and a
	 * link to the transcript. Kept with the room once and announced as `breakout.summarized`; the
	 * collaboration server posts it into the parent's document.
	 */
	async postSummary(breakout: BreakoutRow): Promise<string> {
		const participants = await this.channelRows.members(
			(await this.channelRows.find(breakout.id))!
		);
		const ended = breakout.endedAt ?? breakout.endsAt;
		const people = participants.map((person) => ({ id: person.id, name: person.name }));
		const summary = await summarizeBreakout(
			{
				title: breakout.title,
				startedAt: breakout.startsAt.getTime(),
				endedAt: ended.getTime(),
				participants: people,
				messages: await this.breakouts.transcript(breakout.id)
			},
			{ llm: this.llm, thread: this.summaries, logger: this.log }
		);
		const text = renderSummaryMarkdown(summary, {
			title: breakout.title,
			duration: Math.max(MINUTE, ended.getTime() - breakout.startsAt.getTime()),
			participants: people,
			transcriptUrl: this.transcriptUrl(breakout.id)
		});
		if (await this.breakouts.saveSummary(breakout.id, text)) {
			this.events.emit('breakout.summarized', {
				orgId: breakout.orgId,
				breakoutId: breakout.id,
				parentId: breakout.parentId
			});
		}
		await this.writeSummary(breakout.id);
		return text;
	}

	/** The saved summary into the parent, unless its record shows it there already. */
	private async writeSummary(id: string): Promise<void> {
		if (await this.breakouts.summaryPosted(id, summaryMessageId(id))) return;
		if (!this.#summaryWriter) {
			// A process that serves no documents (a script, a test of the service alone): the
			// summary stays saved, and the sweep of a process that serves them posts it.
			this.log.info({ breakoutId: id }, 'summary saved; no collaboration server here to post it');
			return;
		}
		await this.#summaryWriter(id);
	}

	/**
	 * The sweep: running rooms past their end get their end job (again: same id, no double), and
	 * rooms that ended over a minute ago (their summary job had its turn) without their summary in
	 * the parent get it made or posted now (its job gave up, or it was saved and not posted).
	 */
	async sweep(): Promise<void> {
		for (const row of await this.breakouts.overdue(new Date())) {
			await this.jobs.schedule(
				endBreakoutJob,
				{ breakoutId: row.id, version: row.timerVersion },
				{ id: breakoutJobIds.end(row.id, row.timerVersion) }
			);
		}
		const unposted = await this.breakouts.endedWithoutSummaryPost(
			new Date(Date.now() - SUMMARY_SWEEP_AFTER_MS),
			summaryMessageId
		);
		for (const id of unposted) {
			await this.summarize(id).catch((error: unknown) =>
				this.log.warn({ err: error, breakoutId: id }, 'summary not posted by the sweep')
			);
		}
	}

	transcriptUrl(id: string): string {
		return `${this.publicUrl.replace(/\/$/, '')}/c/${id}`;
	}

	// ——— Inside ———

	/**
	 * Ends a running room once: state ended, its end set to now when early (open connections
	 * turn read-only through `channel.changed`; at the natural end the access watcher's timer at
	 * `ends_at` did it already, as at a project room's end), participants
	 * told to return to the parent, the summary job scheduled. Null when it had ended already, or
	 * (with `version`) when its timer moved on: a second end changes nothing.
	 */
	private async finish(
		id: string,
		version: number | null,
		actor: Actor | null
	): Promise<BreakoutRow | null> {
		const done = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const locked = await this.breakouts.lock(id, sql);
			if (!locked || !(await this.breakouts.markEnded(id, version, sql))) return null;
			const now = new Date();
			const early = locked.endsAt > now;
			if (early) await this.breakouts.setEnd(id, now, sql);
			if (actor) {
				await this.record(sql, actor, 'breakout.end', id, undefined, {
					endedAt: now.toISOString()
				});
			}
			const row = (await this.breakouts.find(id, sql))!;
			const people = await this.participantIds(id, sql);
			const notified = await this.feed.tell(sql, people, {
				kind: 'breakout.ended',
				data: { breakoutId: id, parentId: row.parentId }
			});
			return { row, notified, early };
		});
		if (!done) return null;
		// An early end moves `ends_at`: open connections learn it by the access watcher's recheck.
		// At the natural end every process's watcher has closed the writers at `ends_at` already
		// (and the ingest refuses what comes after), so a recheck would only repeat two queries
		// per connection, for every room ending then (bench scenario 12).
		if (done.early) this.events.emit('channel.changed', { orgId: done.row.orgId, channelId: id });
		this.feed.notify(done.notified);
		await this.jobs.schedule(
			summarizeBreakoutJob,
			{ breakoutId: id },
			{ id: breakoutJobIds.summarize(id) }
		);
		this.log.info({ breakoutId: id, early: actor !== null }, 'breakout room ended');
		return done.row;
	}

	/**
	 * Rooms whose end jobs came due together, ended in one transaction (a hundred rooms of a
	 * split end in the same second: one at a time, each a transaction of its own, their
	 * participants waited seconds for the way back, bench scenario 12). As `finish` at a natural
	 * end: state ended, participants told to return, the summary job scheduled; a room whose
	 * timer moved on or that ended already is left as it is. A worker whose clock runs early
	 * gets an error for that room, and its job is retried.
	 */
	private async endDue(due: { id: string; version: number }[]): Promise<(Error | undefined)[]> {
		const rows = new Map(
			(await this.breakouts.findMany(due.map(({ id }) => id))).map((row) => [row.id, row])
		);
		// Only a job for the room's current timer can be early: a job of a timer that moved on (the
		// room was extended or shortened) or of a room that ended has nothing left to do.
		const current = ({ id, version }: { id: string; version: number }) => {
			const row = rows.get(id);
			return row?.state === 'running' && row.timerVersion === version;
		};
		const early = (job: { id: string; version: number }) =>
			current(job) && rows.get(job.id)!.endsAt.getTime() > Date.now() + 1_000;
		const ready = due.filter((job) => current(job) && !early(job));
		const done = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const ended = await this.breakouts.markEndedMany(ready, sql);
			// Due within the second of tolerance: its end moves to now, as an early end's does.
			const now = new Date();
			const moved = ended.filter((id) => rows.get(id)!.endsAt > now);
			for (const id of moved) await this.breakouts.setEnd(id, now, sql);
			const participants = await this.breakouts.participantsOf(ended, sql);
			const notified = await this.feed.tellEach(
				sql,
				ended.map((id) => ({
					userIds: participants.get(id) ?? [],
					event: {
						kind: 'breakout.ended',
						data: { breakoutId: id, parentId: rows.get(id)!.parentId }
					}
				}))
			);
			return { ended, moved, notified };
		});
		// At the natural end every process's watcher closed the writers at `ends_at` already; a
		// moved end reaches open connections through the access watcher's recheck.
		for (const id of done.moved) {
			this.events.emit('channel.changed', { orgId: rows.get(id)!.orgId, channelId: id });
		}
		this.feed.notify(done.notified);
		await Promise.all(
			done.ended.map((id) =>
				this.jobs.schedule(
					summarizeBreakoutJob,
					{ breakoutId: id },
					{ id: breakoutJobIds.summarize(id) }
				)
			)
		);
		if (done.ended.length > 0) {
			this.log.info({ breakoutIds: done.ended, early: false }, 'breakout rooms ended');
		}
		return due.map((job) =>
			early(job)
				? new Error(`breakout ${job.id} ends at ${rows.get(job.id)!.endsAt.toISOString()}, not yet`)
				: undefined
		);
	}

	/** The end job and the warnings still ahead, for the room's current timer version. */
	private async scheduleTimers(row: BreakoutRow): Promise<void> {
		const { id, timerVersion: version, endsAt } = row;
		await this.jobs.schedule(
			endBreakoutJob,
			{ breakoutId: id, version },
			{ startAfter: endsAt, id: breakoutJobIds.end(id, version) }
		);
		for (const minutesLeft of WARNINGS) {
			const at = endsAt.getTime() - minutesLeft * MINUTE;
			// A warning only for a room that runs longer than it: no "5 minutes left" at the
			// start of a 5-minute room, nor any warning of a 1-minute one.
			if (at <= Date.now() || at <= row.startsAt.getTime()) continue;
			await this.jobs.schedule(
				warnBreakoutJob,
				{ breakoutId: id, version, minutesLeft },
				{ startAfter: new Date(at), id: breakoutJobIds.warn(id, version, minutesLeft) }
			);
		}
	}

	private async tellChanged(sql: Sql, row: BreakoutRow): Promise<string[]> {
		return this.feed.tell(sql, await this.participantIds(row.id, sql), {
			kind: 'breakout.changed',
			data: {
				breakoutId: row.id,
				parentId: row.parentId,
				endsAt: row.endsAt.toISOString(),
				serverNow: new Date().toISOString()
			}
		});
	}

	private async participantIds(id: string, sql: Sql): Promise<string[]> {
		return (await this.breakouts.participantsOf([id], sql)).get(id) ?? [];
	}

	/** The room, when the person may read it (a participant or its creator); else not found. */
	private async readable(actor: Actor, id: string) {
		const row = await this.breakouts.find(id);
		if (!row || row.orgId !== actor.orgId) throw notFound('That breakout room');
		// The channel service's access check, on the room's own row: the same rule as its document.
		const { access } = await this.channels.access(actor, id).catch(() => {
			throw notFound('That breakout room');
		});
		return { row, access };
	}

	/**
	 * The room, when the person may extend or end it: its creator, or a moderator of the parent
	 * (who need not be in the room). Anyone else who can see it is refused; others do not see it.
	 */
	private async controlled(
		actor: Actor,
		id: string
	): Promise<{ row: BreakoutRow; parent: ChannelRow; parentAccess: ChannelAccess }> {
		const row = await this.breakouts.find(id);
		if (!row || row.orgId !== actor.orgId) throw notFound('That breakout room');
		const parentFound = await this.channels.access(actor, row.parentId).catch(() => null);
		const inRoom = await this.channelRows.isExplicitMember(id, actor.id);
		if (!parentFound && !inRoom) throw notFound('That breakout room');
		const parentAccess = parentFound?.access ?? {
			read: false,
			post: false,
			react: false,
			moderate: false,
			manage: false
		};
		if (!inRoom && !parentAccess.moderate) throw notFound('That breakout room');
		if (!breakoutPolicy.control(actor, row, parentAccess)) {
			throw forbidden('Only the creator of a breakout room or a moderator extends or ends it.');
		}
		const parent = parentFound?.channel ?? (await this.channelRows.find(row.parentId))!;
		return { row, parent, parentAccess };
	}

	/** Who goes into which room: the chosen people, or everyone split into `split.rooms`. */
	private groups(
		actor: Actor,
		parent: ChannelRow,
		members: MemberRow[],
		input: CreateBreakoutInput
	): string[][] {
		const memberIds = new Set(members.map((m) => m.id));
		if (input.participantIds) requireMembers(parent, memberIds, input.participantIds);
		const chosen = [...new Set(input.participantIds ?? [...memberIds])].filter(
			(id) => id !== actor.id
		);
		if (!input.split) {
			if (chosen.length === 0) {
				throw new AppError('VALIDATION_FAILED', 'Choose someone besides yourself.', {
					details: { issues: [{ path: 'participantIds', message: 'Choose someone.' }] }
				});
			}
			return [chosen];
		}
		const { rooms, mode } = input.split;
		if (chosen.length < rooms) {
			throw new AppError('VALIDATION_FAILED', `${rooms} rooms need at least ${rooms} people.`, {
				details: { issues: [{ path: 'split.rooms', message: 'More rooms than people.' }] }
			});
		}
		const teamOf = new Map(members.map((m) => [m.id, m.teamId ?? '']));
		return splitIntoRooms(chosen, rooms, mode, (id) => teamOf.get(id) ?? '');
	}

	private async present(row: BreakoutRow): Promise<Breakout> {
		const participants = await this.channelRows.members((await this.channelRows.find(row.id))!);
		return {
			id: row.id,
			parentId: row.parentId,
			title: row.title,
			agenda: row.agenda,
			createdBy: row.createdBy,
			startsAt: row.startsAt.toISOString(),
			endsAt: row.endsAt.toISOString(),
			endedAt: row.endedAt?.toISOString() ?? null,
			state: row.state,
			headShard: row.headShard,
			participants: participants.map((m) => ({
				id: m.id,
				name: m.name,
				title: m.title,
				role: m.role,
				teamId: m.teamId
			})),
			serverNow: new Date().toISOString()
		};
	}

	private record(
		sql: Sql,
		actor: Actor,
		action: string,
		id: string,
		before: unknown,
		after: unknown
	) {
		return this.audited(sql, actor, { action, targetType: 'channel', targetId: id, before, after });
	}
}

function requireRunning(row: BreakoutRow): void {
	if (row.state !== 'running' || row.endsAt.getTime() <= Date.now()) {
		throw new AppError('CONFLICT', 'This breakout room has ended.');
	}
}

/** Refuses people who are not members of the parent channel: 422, nothing written. */
function requireMembers(parent: ChannelRow, memberIds: Set<string>, ids: string[]): void {
	const outsiders = [...new Set(ids)].filter((id) => !memberIds.has(id));
	if (outsiders.length === 0) return;
	throw new AppError(
		'VALIDATION_FAILED',
		`Only members of #${parent.name} can join its breakout rooms.`,
		{
			details: {
				notMembers: outsiders,
				issues: [{ path: 'participantIds', message: 'Not a member of the channel.' }]
			}
		}
	);
}

/**
 * Deals people into `rooms` rooms. `random`: shuffled, then dealt in turn, so room sizes differ
 * by at most one. `balanced`: grouped by team, each team shuffled and dealt in turn, continuing
 * from room to room across teams, so every room gets as even a share of each team as can be.
 */
export function splitIntoRooms(
	people: string[],
	rooms: number,
	mode: 'random' | 'balanced',
	teamOf: (id: string) => string
): string[][] {
	const result: string[][] = Array.from({ length: rooms }, () => []);
	let order = shuffle(people);
	if (mode === 'balanced') {
		const teams = new Map<string, string[]>();
		for (const id of order) teams.set(teamOf(id), [...(teams.get(teamOf(id)) ?? []), id]);
		order = [...teams.values()].sort((a, b) => b.length - a.length).flat();
	}
	order.forEach((id, index) => result[index % rooms]!.push(id));
	return result;
}

function shuffle<T>(items: T[]): T[] {
	const copy = [...items];
	for (let i = copy.length - 1; i > 0; i--) {
		const j = randomInt(i + 1);
		[copy[i], copy[j]] = [copy[j]!, copy[i]!];
	}
	return copy;
}
