import type { Logger } from '../logging/logger.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { DomainService, type DomainParts } from '../domain-service.ts';
import type { Sql } from '../db/database.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import type { PeopleRepository } from '../people/people.repository.ts';
import type { FileStorage } from '../storage/storage.ts';
import { previewKeys } from '../files/file.repository.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { policy, retentionPolicy, type Actor } from '#shared/policy.ts';
import { documentName, type MessageRef } from '#shared/chat/document-schema.ts';
import type {
	ChannelRetentionAnswer,
	ChannelRetentionRule,
	LegalHold,
	OrgRetentionRule,
	PlaceLegalHoldInput,
	RetentionOverview,
	RetentionPreview,
	RetentionRun
} from '#shared/api/retention.schema.ts';
import type {
	DueMessage,
	HoldRow,
	KeepDays,
	PreviewScope,
	RetentionRepository,
	RunRow
} from './retention.repository.ts';
import type { DocumentPurger } from './stored-documents.ts';
import { retentionRunJob } from './retention.jobs.ts';

const DAY_MS = 86_400_000;
/** Messages deleted per step: one shard's document rewritten per step at most ~500 of them. */
export const RETENTION_BATCH = 500;

/** What one run deleted. */
export interface RunResult {
	messages: number;
	files: number;
}

const orgRuleOf = (keepDays: KeepDays | undefined): OrgRetentionRule =>
	keepDays == null ? { mode: 'forever' } : { mode: 'days', days: keepDays };

const channelRuleOf = (keepDays: KeepDays | undefined): ChannelRetentionRule =>
	keepDays === undefined
		? { mode: 'inherit' }
		: keepDays === null
			? { mode: 'forever' }
			: { mode: 'days', days: keepDays };

/** Yields the event loop to waiting I/O (socket frames) between batches. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Retention and legal hold (issue 18). Rules say how long messages are kept (the organization's,
 * a channel's own); legal holds on a person or a channel keep theirs whatever the rules say. The
 * run (a job, nightly and on demand) deletes what is due in batches: from the Yjs documents
 * first (through the purger the collaboration server registers: live copies, compacted state
 * and update log, with a mark that makes browsers rewrite their copies), then the files in
 * storage, then the record (versions, notifications; server search reads the record).
 */
export class RetentionService extends DomainService {
	readonly repository: RetentionRepository;
	readonly channels: ChannelService;
	readonly people: PeopleRepository;
	readonly storage: FileStorage;
	readonly jobs: JobQueue;
	readonly log: Logger;
	private purger: DocumentPurger;
	private readonly defaultPurger: DocumentPurger;

	constructor(
		deps: DomainParts & {
			repository: RetentionRepository;
			channels: ChannelService;
			people: PeopleRepository;
			storage: FileStorage;
			jobs: JobQueue;
			purger: DocumentPurger;
			log: Logger;
		}
	) {
		super(deps);
		this.repository = deps.repository;
		this.channels = deps.channels;
		this.people = deps.people;
		this.storage = deps.storage;
		this.jobs = deps.jobs;
		this.purger = deps.purger;
		this.defaultPurger = deps.purger;
		this.log = deps.log;
	}

	/**
	 * The collaboration server purges documents through its live copies (so connected browsers
	 * get the deletion and no later compaction writes the content back). Returns the undo.
	 */
	purgeDocumentsWith(purger: DocumentPurger): () => void {
		this.purger = purger;
		return () => {
			if (this.purger === purger) this.purger = this.defaultPurger;
		};
	}

	// ---- Rules ----------------------------------------------------------------------------

	async overview(actor: Actor): Promise<RetentionOverview> {
		this.requireSuperAdmin(actor);
		const [org, channels, holds, runs] = await Promise.all([
			this.repository.orgRule(actor.orgId),
			this.repository.channelRules(actor.orgId),
			this.repository.standingHolds(actor.orgId),
			this.repository.runs(actor.orgId, 1)
		]);
		return {
			org: orgRuleOf(org),
			channels: channels.map((row) => ({
				channelId: row.channelId,
				channelName: row.channelName,
				rule: channelRuleOf(row.keepDays),
				held: row.held
			})),
			holds: holds.map(toHold),
			lastRun: runs[0] ? toRun(runs[0]) : null
		};
	}

	async setOrgRule(actor: Actor, rule: OrgRetentionRule): Promise<{ rule: OrgRetentionRule }> {
		this.requireSuperAdmin(actor);
		const before = await this.repository.orgRule(actor.orgId);
		const keepDays = rule.mode === 'days' ? rule.days : null;
		await this.database.sql.begin(async (transaction) => {
			const tx = transaction as unknown as Sql;
			await this.repository.setOrgRule(actor.orgId, keepDays, actor.id, tx);
			await this.audited(tx, actor, {
				action: 'retention.org.set',
				targetType: 'organization',
				targetId: actor.orgId,
				before: orgRuleOf(before),
				after: rule
			});
		});
		return { rule };
	}

	async previewOrgRule(actor: Actor, rule: OrgRetentionRule): Promise<RetentionPreview> {
		this.requireSuperAdmin(actor);
		if (rule.mode === 'forever') return { messages: 0, files: 0, held: 0 };
		return this.repository.preview({ kind: 'org', orgId: actor.orgId }, cutoff(rule.days));
	}

	async channelRule(actor: Actor, channelId: string): Promise<ChannelRetentionAnswer> {
		await this.requireChannelManager(actor, channelId);
		return this.channelAnswer(actor.orgId, channelId);
	}

	async setChannelRule(
		actor: Actor,
		channelId: string,
		rule: ChannelRetentionRule
	): Promise<ChannelRetentionAnswer> {
		await this.requireChannelManager(actor, channelId);
		const before = await this.repository.channelRule(channelId);
		const keepDays = rule.mode === 'inherit' ? undefined : rule.mode === 'days' ? rule.days : null;
		await this.database.sql.begin(async (transaction) => {
			const tx = transaction as unknown as Sql;
			await this.repository.setChannelRule(actor.orgId, channelId, keepDays, actor.id, tx);
			await this.audited(tx, actor, {
				action: 'retention.channel.set',
				targetType: 'channel',
				targetId: channelId,
				before: channelRuleOf(before),
				after: rule
			});
		});
		return this.channelAnswer(actor.orgId, channelId);
	}

	async previewChannelRule(
		actor: Actor,
		channelId: string,
		rule: ChannelRetentionRule
	): Promise<RetentionPreview> {
		await this.requireChannelManager(actor, channelId);
		const days =
			rule.mode === 'days'
				? rule.days
				: rule.mode === 'inherit'
					? ((await this.repository.orgRule(actor.orgId)) ?? null)
					: null;
		if (days === null) return { messages: 0, files: 0, held: 0 };
		const scope: PreviewScope = { kind: 'channel', orgId: actor.orgId, channelId };
		return this.repository.preview(scope, cutoff(days));
	}

	// ---- Legal holds ------------------------------------------------------------------------

	async placeHold(actor: Actor, input: PlaceLegalHoldInput): Promise<LegalHold> {
		this.requireHolds(actor);
		const { target } = input;
		if (target.kind === 'person') {
			const person = await this.people.find(target.userId);
			// Someone of another organization does not exist for this one.
			if (!person || !policy.viewPerson(actor, person)) throw notFound('That person');
		} else {
			const channel = await this.channels.channels.find(target.channelId);
			if (!channel || channel.orgId !== actor.orgId) throw notFound('That channel');
		}
		const id = crypto.randomUUID();
		const hold = await this.database.sql.begin(async (transaction) => {
			const tx = transaction as unknown as Sql;
			const existing = await this.repository.standingHoldOn(
				target.kind === 'person' ? { userId: target.userId } : { channelId: target.channelId },
				tx
			);
			if (existing) throw new AppError('CONFLICT', 'A legal hold already stands on it.');
			await this.repository.insertHold(
				{
					id,
					orgId: actor.orgId,
					userId: target.kind === 'person' ? target.userId : null,
					channelId: target.kind === 'channel' ? target.channelId : null,
					reason: input.reason,
					placedBy: actor.id
				},
				tx
			);
			await this.audited(tx, actor, {
				action: 'legal_hold.place',
				targetType: target.kind === 'person' ? 'person' : 'channel',
				targetId: target.kind === 'person' ? target.userId : target.channelId,
				after: { holdId: id, reason: input.reason }
			});
			return this.repository.findHold(id, tx);
		});
		return toHold(hold!);
	}

	async liftHold(actor: Actor, holdId: string): Promise<{ liftedAt: string }> {
		this.requireHolds(actor);
		const hold = await this.repository.findHold(holdId);
		if (!hold || hold.orgId !== actor.orgId || hold.liftedAt) throw notFound('That legal hold');
		const liftedAt = await this.database.sql.begin(async (transaction) => {
			const tx = transaction as unknown as Sql;
			const at = await this.repository.liftHold(holdId, actor.id, tx);
			if (!at) throw notFound('That legal hold');
			await this.audited(tx, actor, {
				action: 'legal_hold.lift',
				targetType: hold.kind === 'person' ? 'person' : 'channel',
				targetId: hold.targetId,
				before: { holdId, reason: hold.reason }
			});
			return at;
		});
		return { liftedAt: liftedAt.toISOString() };
	}

	// ---- Runs -------------------------------------------------------------------------------

	/** "Run now": the same job as the nightly run, for the actor's organization. */
	async scheduleRun(actor: Actor): Promise<{ scheduled: boolean }> {
		this.requireSuperAdmin(actor);
		await this.jobs.schedule(retentionRunJob, { orgId: actor.orgId });
		return { scheduled: true };
	}

	async runs(actor: Actor): Promise<{ runs: RetentionRun[] }> {
		this.requireSuperAdmin(actor);
		return { runs: (await this.repository.runs(actor.orgId, 20)).map(toRun) };
	}

	/** The nightly run: every organization with a rule that deletes. */
	async runAll(): Promise<RunResult> {
		const total: RunResult = { messages: 0, files: 0 };
		for (const orgId of await this.repository.orgsWithRules()) {
			const result = await this.runOrg(orgId);
			total.messages += result.messages;
			total.files += result.files;
		}
		return total;
	}

	/**
	 * Deletes what is due in one organization, channel by channel, in batches of
	 * RETENTION_BATCH messages: each batch is purged from its documents (one document at a
	 * time), its files from storage, then its record, and the event loop breathes in between so
	 * socket frames are served. A run that stops half way (a crash) leaves a consistent state:
	 * what is still in the record is found and deleted again by the next run.
	 */
	async runOrg(orgId: string, now = Date.now()): Promise<RunResult> {
		const runId = crypto.randomUUID();
		await this.repository.startRun(runId, orgId);
		const result: RunResult = { messages: 0, files: 0 };
		for (const channel of await this.repository.channelsToSweep(orgId)) {
			if (channel.keepDays === null) continue;
			const before = new Date(now - channel.keepDays * DAY_MS);
			for (;;) {
				const due = await this.repository.dueMessages(channel.channelId, before, RETENTION_BATCH);
				if (due.length === 0) break;
				const deleted = await this.deleteBatch(due, now);
				result.messages += due.length;
				result.files += deleted;
				await this.repository.progressRun(runId, due.length, deleted);
				await breathe();
				if (due.length < RETENTION_BATCH) break;
			}
		}
		await this.repository.finishRun(runId);
		if (result.messages > 0) this.log.info({ orgId, runId, ...result }, 'retention run deleted');
		return result;
	}

	/** One batch: documents first (so no reload brings a message back into the record), files, record. */
	private async deleteBatch(due: DueMessage[], now: number): Promise<number> {
		const byDocument = new Map<string, MessageRef[]>();
		for (const message of due) {
			const kind =
				message.channelKind === 'dm' || message.channelKind === 'breakout'
					? message.channelKind
					: 'channel';
			const name = documentName(kind, message.channelId, message.shard);
			const refs = byDocument.get(name) ?? [];
			refs.push({ authorId: message.authorId, messageId: message.id });
			byDocument.set(name, refs);
		}
		for (const [name, refs] of byDocument) {
			await this.purger(name, refs, now);
			await breathe();
		}
		const ids = due.map((message) => message.id);
		const files = await this.repository.filesOf(ids);
		// Bytes before rows: a crash in between leaves rows whose bytes are gone, which the next
		// run deletes (deleting a missing key succeeds), never bytes nothing points to.
		for (const file of files) {
			const keys = file.hasPreviews ? Object.values(previewKeys(file.storageKey)) : [];
			await Promise.all([file.storageKey, ...keys].map((key) => this.storage.delete(key)));
		}
		await this.repository.deleteRecords(ids);
		return files.length;
	}

	// ---- Access -----------------------------------------------------------------------------

	private async channelAnswer(orgId: string, channelId: string): Promise<ChannelRetentionAnswer> {
		const [rule, org, held] = await Promise.all([
			this.repository.channelRule(channelId),
			this.repository.orgRule(orgId),
			this.repository.isChannelHeld(channelId)
		]);
		return { rule: channelRuleOf(rule), org: orgRuleOf(org), held };
	}

	private requireSuperAdmin(actor: Actor): void {
		if (!retentionPolicy.setOrgRule(actor, { id: actor.orgId }))
			throw forbidden('Only Super Admins set the organization’s retention.');
	}

	private requireHolds(actor: Actor): void {
		if (!retentionPolicy.manageHolds(actor, { id: actor.orgId }))
			throw forbidden('Only Super Admins place and lift legal holds.');
	}

	private async requireChannelManager(actor: Actor, channelId: string): Promise<void> {
		const { channel, access } = await this.channels.access(actor, channelId);
		if (channel.kind === 'dm' || channel.kind === 'breakout') {
			// Conversations nobody manages follow the organization (a Super Admin may still set one).
			if (!retentionPolicy.setOrgRule(actor, { id: actor.orgId })) throw forbidden();
			return;
		}
		if (!retentionPolicy.setChannelRule(access))
			throw forbidden('Only those who manage the channel set its retention.');
	}
}

function cutoff(days: number): Date {
	return new Date(Date.now() - days * DAY_MS);
}

function toHold(row: HoldRow): LegalHold {
	return {
		id: row.id,
		kind: row.kind,
		targetId: row.targetId,
		targetName: row.targetName,
		reason: row.reason,
		placedBy: row.placedBy,
		placedAt: row.placedAt.toISOString()
	};
}

function toRun(row: RunRow): RetentionRun {
	return {
		id: row.id,
		startedAt: row.startedAt.toISOString(),
		finishedAt: row.finishedAt?.toISOString() ?? null,
		messagesDeleted: row.messagesDeleted,
		filesDeleted: row.filesDeleted
	};
}
