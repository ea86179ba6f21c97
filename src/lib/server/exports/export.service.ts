import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Sql } from '../db/database.ts';
import { DomainService, type DomainParts } from '../domain-service.ts';
import { forbidden, isAppError, notFound } from '../errors.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../logging/logger.ts';
import { DELIVERY_LATE_MS, LoopLateness } from '../ops/loop-lateness.ts';
import type { FileStorage } from '../storage/storage.ts';
import { policy, type Actor, type DashboardScopeRef } from '#shared/policy.ts';
import type {
	CreateExportInput,
	CreateSelfExportInput,
	ExportInfo,
	ExportScope,
	ExportTargets
} from '#shared/api/exports.schema.ts';
import { EXPORT_LINK_SECONDS, type ExportLinks } from './export-links.ts';
import { ExportZipWriter } from './export-process.ts';
import { runExportJob } from './export.job.ts';
import type {
	ExportPageRead,
	ExportRepository,
	ExportRow,
	ExportSelection,
	UnitOf
} from './export.repository.ts';

/** Messages read from the database per page (and handed to the export process at once). */
export const EXPORT_PAGE_SIZE = 1000;
/** How often the row's progress is written while the job runs. */
const PROGRESS_EVERY_MS = 250;
/** Exports are not bound by the upload limit; this only guards the storage. */
const EXPORT_MAX_BYTES = 1024 ** 4;

/**
 * Compliance exports and self-exports (issue 18). Asking checks the policy first (who may
 * export which channel or person), records the export and its audit row in one transaction and
 * schedules the job; the job pages through the messages with the export process (which reads
 * each page itself on Postgres, or is handed it on PGlite) and writes the ZIP on disk; the ZIP
 * is then put in storage and handed out through signed links that expire. Every step that
 * matters is in the audit log: asked, done, downloaded.
 */
export class ExportService extends DomainService {
	readonly exports: ExportRepository;
	readonly jobs: JobQueue;
	readonly storage: FileStorage;
	readonly links: ExportLinks;
	readonly log: Logger;
	readonly pageSize: number;
	/** A Postgres server's URL: the export process reads the pages from it itself. */
	readonly databaseUrl: string | undefined;

	constructor(
		deps: DomainParts & {
			exports: ExportRepository;
			jobs: JobQueue;
			storage: FileStorage;
			links: ExportLinks;
			log: Logger;
			pageSize?: number;
			databaseUrl?: string;
		}
	) {
		super(deps);
		this.exports = deps.exports;
		this.jobs = deps.jobs;
		this.storage = deps.storage.withMaxBytes(EXPORT_MAX_BYTES);
		this.links = deps.links;
		this.log = deps.log;
		this.pageSize = deps.pageSize ?? EXPORT_PAGE_SIZE;
		this.databaseUrl = deps.databaseUrl;
	}

	// ——— What people ask for (the API) ———

	/** A manager's export of a channel or a person (or anyone's of themselves). */
	async create(actor: Actor, input: CreateExportInput): Promise<ExportInfo> {
		const unit = await this.requireUnit(actor, input.scope);
		const personId = input.scope.kind === 'person' ? input.scope.personId : null;
		if (!policy.exportMessages(actor, refOf(unit), personId)) {
			throw forbidden(
				actor.role === 'team_member'
					? 'You may export your own messages only (Settings → Export my data).'
					: 'You may export the channels and people of your own team or department only.'
			);
		}
		return this.start(actor, input.scope, unit.name, personId === actor.id, input);
	}

	/** A person's export of their own messages and files. */
	async createSelf(actor: Actor, input: CreateSelfExportInput): Promise<ExportInfo> {
		const scope: ExportScope = { kind: 'person', personId: actor.id };
		const unit = await this.requireUnit(actor, scope);
		if (!policy.exportMessages(actor, refOf(unit), actor.id)) throw forbidden();
		return this.start(actor, scope, unit.name, true, input);
	}

	/**
	 * The channels and people the asker may export (the admin page's pickers). Direct messages
	 * are left out of the picker (they have no name of their own): a person's export holds them.
	 */
	async targets(actor: Actor): Promise<ExportTargets> {
		if (!policy.accessAdmin(actor)) {
			throw forbidden(
				'Compliance exports are for Team Managers, Department Heads and Super Admins.'
			);
		}
		const units = await this.exports.units(actor.orgId);
		return {
			channels: units.channels
				.filter((channel) => policy.exportMessages(actor, refOf(channel)))
				.map((channel) => ({ id: channel.id, name: channel.name, kind: channel.kind })),
			people: units.people
				.filter((person) => policy.exportMessages(actor, refOf(person), person.id))
				.map((person) => ({ id: person.id, name: person.name }))
		};
	}

	/** The exports the person asked for, newest first. */
	async list(actor: Actor): Promise<ExportInfo[]> {
		const rows = await this.exports.listRequestedBy(actor.id);
		return Promise.all(rows.map((row) => this.info(row, actor)));
	}

	/** One export of the asker's (anyone else's is NOT_FOUND), with a fresh link once done. */
	async get(actor: Actor, id: string): Promise<ExportInfo> {
		const row = await this.exports.find(id);
		if (!row || row.requestedBy !== actor.id) throw notFound('That export');
		return this.info(row, actor);
	}

	/** The ZIP of a signed link (EXPORT_LINK_INVALID or EXPORT_LINK_EXPIRED otherwise), audited. */
	async download(token: string, now = new Date()): Promise<Response> {
		const claims = await this.links.verify(token, now);
		const row = await this.exports.find(claims.exportId);
		if (!row || row.requestedBy !== claims.personId || row.status !== 'done' || !row.storageKey) {
			throw notFound('That export');
		}
		await this.audit.record({
			orgId: row.orgId,
			actorId: claims.personId,
			action: 'export.download',
			targetType: 'export',
			targetId: row.id,
			after: { bytes: row.bytes }
		});
		return this.storage.downloadResponse(row.storageKey, { filename: fileNameOf(row) });
	}

	// ——— The job ———

	/**
	 * Writes the export: counts its messages (the progress bar's total), reads them a page at a
	 * time in (accepted_at, id) order, hands each page and its files to the export process, and
	 * stores the ZIP. Memory holds one page and one file stream at a time, whatever the size.
	 */
	async run(exportId: string): Promise<void> {
		const row = await this.exports.find(exportId);
		if (!row || row.status === 'done') return;
		const selection = selectionOf(row);
		const started = performance.now();
		const total = await this.exports.count(selection);
		await this.exports.markRunning(row.id, total);
		const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'cf-export-'));
		const zipPath = path.join(dir, 'export.zip');
		let writer: ExportZipWriter | null = null;
		const lateness = new LoopLateness();
		try {
			writer = await ExportZipWriter.open(zipPath, row.formats, this.databaseUrl);
			let after: { at: string; id: string } | null = null;
			let done = 0;
			let files = 0;
			const missingFiles: string[] = [];
			let reported = performance.now();
			lateness.start();
			for (;;) {
				const pageStarted = performance.now();
				const page: ExportPageRead = writer.readsDatabase
					? await writer.readPage(selection, after, this.pageSize, row.includeFiles)
					: await this.handOverPage(writer, selection, after, row.includeFiles);
				if (page.count === 0) break;
				for (const file of page.files) {
					const copy = path.join(dir, 'file');
					try {
						const stored = await this.storage.get(file.storageKey);
						await pipeline(stored.stream, fs.createWriteStream(copy));
					} catch (error) {
						if (!isAppError(error) || error.code !== 'NOT_FOUND') throw error;
						missingFiles.push(file.id);
						continue;
					}
					await writer.file(copy, `files/${file.id}/${safeName(file.name)}`);
					files += 1;
				}
				done += page.count;
				after = page.after;
				if (performance.now() - reported >= PROGRESS_EVERY_MS) {
					reported = performance.now();
					await this.exports.progress(row.id, done, files);
				}
				if (page.count < this.pageSize) break;
				// The chat first. Reading a page is the database's work: on the embedded one, a
				// thread of this process that competes with the event loop for the cores. A page
				// read while the loop ran late is followed by a pause as long as the page took,
				// so the export takes at most half of the time while messages wait for it.
				if (lateness.take() > DELIVERY_LATE_MS) await sleep(performance.now() - pageStarted);
			}
			const bytes = await writer.finish({
				export: row.id,
				scope: { kind: row.scopeKind, id: selection.id, name: row.scopeName },
				self: row.self,
				period: { from: row.fromDay, to: row.toDay },
				formats: row.formats,
				messages: done,
				files,
				missingFiles,
				requestedBy: { id: row.requestedBy, name: row.requestedByName },
				requestedAt: row.createdAt.toISOString(),
				generatedAt: new Date().toISOString(),
				contents: {
					'messages.jsonl':
						'One message a line: its state now and its history (posted, edited, deleted: who, when, before, after).',
					'messages.csv':
						'One row per event of a message (posted, edited, deleted) with the text before and after.',
					'eml/<day>/<message>.eml':
						'One email per message; thread replies carry In-Reply-To and References.',
					'files/<file>/<name>': 'The files of the messages, as uploaded.'
				}
			});
			await writer.close();
			writer = null;
			const storageKey = `exports/${row.id}.zip`;
			await this.storage.putFile(storageKey, zipPath, {
				contentType: 'application/zip',
				size: bytes
			});
			await this.database.sql.begin(async (tx) => {
				const sql = tx as unknown as Sql;
				await this.exports.markDone(row.id, { storageKey, bytes, done, files }, sql);
				await this.audit.record(
					{
						orgId: row.orgId,
						actorId: row.requestedBy,
						action: 'export.complete',
						targetType: 'export',
						targetId: row.id,
						after: { messages: done, files, bytes }
					},
					sql
				);
			});
			const seconds = (performance.now() - started) / 1000;
			this.log.info(
				{ exportId: row.id, messages: done, files, bytes, seconds: Math.round(seconds * 10) / 10 },
				'export written'
			);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			this.log.error({ exportId: row.id, err: error }, 'export failed');
			await this.exports.markFailed(row.id, message);
			throw error;
		} finally {
			lateness.stop();
			await writer?.close();
			await fs.promises.rm(dir, { recursive: true, force: true });
		}
	}

	// ——— Inside ———

	/**
	 * The next page read here and handed to the export process (the embedded database: its one
	 * connection is the server's). Its bytes are copied into the channel at once and not kept
	 * while the process writes them (nothing after the hand-over refers to `lines`).
	 */
	private async handOverPage(
		writer: ExportZipWriter,
		selection: ExportSelection,
		after: ExportPageRead['after'],
		withFiles: boolean
	): Promise<ExportPageRead> {
		const { lines, ...page } = await this.exports.page(selection, after, this.pageSize, withFiles);
		if (page.count > 0) await writer.page(lines);
		return page;
	}

	private async requireUnit(actor: Actor, scope: ExportScope): Promise<UnitOf> {
		const unit =
			scope.kind === 'channel'
				? await this.exports.channelUnit(scope.channelId)
				: await this.exports.personUnit(scope.personId);
		if (!unit || unit.orgId !== actor.orgId) {
			throw notFound(scope.kind === 'channel' ? 'That channel' : 'That person');
		}
		return unit;
	}

	private async start(
		actor: Actor,
		scope: ExportScope,
		scopeName: string,
		self: boolean,
		input: { from?: string; to?: string; formats: ExportInfo['formats']; includeFiles: boolean }
	): Promise<ExportInfo> {
		const id = randomUUID();
		await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			await this.exports.insert(
				{
					id,
					orgId: actor.orgId,
					requestedBy: actor.id,
					scopeKind: scope.kind,
					channelId: scope.kind === 'channel' ? scope.channelId : null,
					personId: scope.kind === 'person' ? scope.personId : null,
					self,
					scopeName,
					fromDay: input.from ?? null,
					toDay: input.to ?? null,
					formats: input.formats,
					includeFiles: input.includeFiles
				},
				sql
			);
			await this.audited(sql, actor, {
				action: self ? 'export.request-own' : 'export.request',
				targetType: scope.kind,
				targetId: scope.kind === 'channel' ? scope.channelId : scope.personId,
				after: {
					export: id,
					from: input.from ?? null,
					to: input.to ?? null,
					formats: input.formats,
					includeFiles: input.includeFiles
				}
			});
		});
		await this.jobs.schedule(runExportJob, { exportId: id }, { id });
		this.log.info({ exportId: id, scope: scope.kind, self }, 'export asked');
		return this.get(actor, id);
	}

	private async info(row: ExportRow, actor: Actor): Promise<ExportInfo> {
		let downloadUrl: string | null = null;
		let downloadExpiresAt: string | null = null;
		if (row.status === 'done' && row.requestedBy === actor.id) {
			const expiresAt = Math.floor(Date.now() / 1000) + EXPORT_LINK_SECONDS;
			const token = await this.links.sign({ exportId: row.id, personId: actor.id, expiresAt });
			downloadUrl = `/api/exports/download?token=${encodeURIComponent(token)}`;
			downloadExpiresAt = new Date(expiresAt * 1000).toISOString();
		}
		return {
			id: row.id,
			scope: {
				kind: row.scopeKind,
				id: (row.scopeKind === 'channel' ? row.channelId : row.personId)!,
				name: row.scopeName
			},
			self: row.self,
			from: row.fromDay,
			to: row.toDay,
			formats: row.formats,
			includeFiles: row.includeFiles,
			status: row.status,
			totalMessages: row.totalMessages,
			doneMessages: row.doneMessages,
			files: row.files,
			bytes: row.bytes,
			error: row.error,
			createdAt: row.createdAt.toISOString(),
			finishedAt: row.finishedAt?.toISOString() ?? null,
			requestedBy: { id: row.requestedBy, name: row.requestedByName },
			downloadUrl,
			downloadExpiresAt
		};
	}
}

/** The part of the organization a channel or person belongs to, as the policy knows parts. */
function refOf(unit: UnitOf): DashboardScopeRef {
	if (unit.teamId && unit.departmentId) {
		return { kind: 'team', orgId: unit.orgId, id: unit.teamId, departmentId: unit.departmentId };
	}
	if (unit.departmentId) return { kind: 'department', orgId: unit.orgId, id: unit.departmentId };
	return { kind: 'org', orgId: unit.orgId };
}

function selectionOf(row: ExportRow): ExportSelection {
	const until = row.toDay ? new Date(`${row.toDay}T00:00:00Z`) : null;
	until?.setUTCDate(until.getUTCDate() + 1);
	return {
		kind: row.scopeKind,
		id: (row.scopeKind === 'channel' ? row.channelId : row.personId)!,
		orgId: row.orgId,
		from: row.fromDay ? new Date(`${row.fromDay}T00:00:00Z`) : null,
		until
	};
}

/** A file's name as a ZIP entry: no folders, no control characters. */
function safeName(name: string): string {
	const cleaned = name.replace(/[\\/\p{Cc}]/gu, '_').replace(/^\.+/, '_');
	return cleaned.slice(0, 200) || 'file';
}

function fileNameOf(row: ExportRow): string {
	const slug = row.scopeName
		.normalize('NFKD')
		.replace(/[^\w-]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.toLowerCase();
	return `connectflow-export-${slug || row.scopeKind}-${row.createdAt.toISOString().slice(0, 10)}.zip`;
}
