/**
 * What one message of an export is, and how each format writes it. Pure: used by the export
 * process (export-process.entry.ts), which Node runs by type stripping, so this module imports only
 * packages and types.
 */
import { stringify } from 'csv-stringify/sync';
import MailComposer from 'nodemailer/lib/mail-composer';

/** One message as the repository reads it (one JSON line of a page). */
export interface ExportedMessage {
	id: string;
	channelId: string;
	channelName: string;
	channelKind: string;
	threadId: string | null;
	authorId: string;
	authorName: string;
	authorEmail: string;
	text: string;
	attachments: unknown[];
	mentions: unknown[];
	version: number;
	createdAt: string;
	acceptedAt: string;
	editedAt: string | null;
	deletedAt: string | null;
	deletedById: string | null;
	deletedByName: string | null;
	/** Every version the record kept, in order. */
	versions: { version: number; text: string; deleted: boolean; recordedAt: string }[];
}

/** One change of a message: who did it, when, and the text before and after. */
export interface MessageEvent {
	event: 'posted' | 'edited' | 'deleted';
	version: number | null;
	at: string;
	byId: string;
	byName: string;
	before: string | null;
	after: string | null;
}

/** The export's line for a message: its current state and its history of changes. */
export interface ExportLine {
	id: string;
	channel: { id: string; name: string; kind: string };
	threadId: string | null;
	author: { id: string; name: string; email: string };
	text: string;
	attachments: unknown[];
	mentions: unknown[];
	createdAt: string;
	acceptedAt: string;
	editedAt: string | null;
	deleted: boolean;
	deletedAt: string | null;
	deletedBy: { id: string; name: string } | null;
	history: MessageEvent[];
}

/**
 * The history of a message from its versions: the first is the post, each later one an edit
 * (or the author's deletion, which leaves an empty tombstone); a moderator's deletion is not a
 * version of the author's, so it comes from `deletedBy`.
 */
export function historyOf(message: ExportedMessage): MessageEvent[] {
	const author = { byId: message.authorId, byName: message.authorName };
	const versions = [...message.versions].sort((a, b) => a.version - b.version);
	if (versions.length === 0) {
		versions.push({
			version: message.version,
			text: message.deletedAt && !message.deletedById ? '' : message.text,
			deleted: Boolean(message.deletedAt && !message.deletedById),
			recordedAt: message.acceptedAt
		});
	}
	const events: MessageEvent[] = [];
	let text: string | null = null;
	versions.forEach((version, index) => {
		const event = index === 0 ? 'posted' : version.deleted ? 'deleted' : 'edited';
		const after = version.deleted ? null : version.text;
		events.push({
			event,
			version: version.version,
			at: index === 0 ? message.acceptedAt : version.recordedAt,
			...author,
			before: text,
			after
		});
		text = after;
	});
	const deletedByAuthor = versions.some((version) => version.deleted);
	if (message.deletedAt && !deletedByAuthor) {
		events.push({
			event: 'deleted',
			version: null,
			at: message.deletedAt,
			byId: message.deletedById ?? message.authorId,
			byName: message.deletedByName ?? message.authorName,
			before: text,
			after: null
		});
	}
	return events;
}

export function exportLine(message: ExportedMessage): ExportLine {
	const history = historyOf(message);
	const deletion = history.find((event) => event.event === 'deleted');
	const lastText = [...history].reverse().find((event) => event.after !== null)?.after ?? '';
	return {
		id: message.id,
		channel: { id: message.channelId, name: message.channelName, kind: message.channelKind },
		threadId: message.threadId,
		author: { id: message.authorId, name: message.authorName, email: message.authorEmail },
		// A deleted message keeps, in the export, the last text it had before the deletion.
		text: deletion ? lastText : message.text,
		attachments: message.attachments,
		mentions: message.mentions,
		createdAt: message.createdAt,
		acceptedAt: message.acceptedAt,
		editedAt: message.editedAt,
		deleted: Boolean(deletion),
		deletedAt: deletion?.at ?? null,
		deletedBy: deletion ? { id: deletion.byId, name: deletion.byName } : null,
		history
	};
}

export const CSV_COLUMNS = [
	'message_id',
	'channel_id',
	'channel_name',
	'thread_id',
	'author_id',
	'author_name',
	'event',
	'version',
	'at',
	'by_id',
	'by_name',
	'text_before',
	'text_after',
	'files'
] as const;

/** A cell a spreadsheet would run as a formula is prefixed with ' (as the dashboard's CSV). */
function cell(value: string | null): string {
	if (value === null) return '';
	return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The CSV header line. */
export function csvHeader(): string {
	return stringify([[...CSV_COLUMNS]]);
}

/** CSV rows of messages: one row per event (post, edit, deletion), so before and after sit side by side. */
export function csvRows(lines: readonly ExportLine[]): string {
	const rows: string[][] = [];
	for (const line of lines) {
		const files = line.attachments
			.map((file) => (file as { name?: unknown }).name)
			.filter((name): name is string => typeof name === 'string')
			.join('; ');
		for (const event of line.history) {
			rows.push([
				line.id,
				line.channel.id,
				cell(line.channel.name),
				line.threadId ?? '',
				line.author.id,
				cell(line.author.name),
				event.event,
				event.version === null ? '' : String(event.version),
				event.at,
				event.byId,
				cell(event.byName),
				cell(event.before),
				cell(event.after),
				cell(files)
			]);
		}
	}
	return rows.length === 0 ? '' : stringify(rows);
}

export type ExportFormatName = 'jsonl' | 'csv' | 'eml';

const MESSAGE_ID_DOMAIN = 'messages.connectflow.invalid';
const CHANNEL_DOMAIN = 'channels.connectflow.invalid';

/** The Message-ID of a message: thread replies point at their thread's first message by it. */
export const messageIdOf = (id: string) => `<${id}@${MESSAGE_ID_DOMAIN}>`;

/**
 * One message as an email (RFC 5322, built by nodemailer's MailComposer): From its author, To
 * its channel, Message-ID from its id, In-Reply-To and References to its thread's first
 * message; the text as it is now (or was before its deletion), then its history of changes.
 */
export async function emlOf(line: ExportLine): Promise<Buffer> {
	const history = line.history
		.map((event) => {
			const head = `${event.at} ${event.event} by ${event.byName} (${event.byId})`;
			if (event.event === 'posted') return head;
			const before = event.before === null ? '' : `\n  before: ${event.before}`;
			const after = event.after === null ? '\n  after: (deleted)' : `\n  after: ${event.after}`;
			return head + before + after;
		})
		.join('\n');
	const files = line.attachments
		.map((file) => (file as { name?: unknown }).name)
		.filter((name): name is string => typeof name === 'string');
	const body = [
		line.deleted ? `[Deleted by ${line.deletedBy?.name} at ${line.deletedAt}]\n` : '',
		line.text,
		files.length > 0 ? `\nFiles: ${files.join(', ')}` : '',
		'\n\n-- History --\n',
		history
	].join('');
	const subjectText = line.text.replace(/\s+/g, ' ').trim();
	const composer = new MailComposer({
		from: { name: line.author.name, address: line.author.email },
		to: { name: `#${line.channel.name}`, address: `${line.channel.id}@${CHANNEL_DOMAIN}` },
		subject: `#${line.channel.name}: ${subjectText.length > 70 ? `${subjectText.slice(0, 70)}…` : subjectText}`,
		date: new Date(line.acceptedAt),
		messageId: messageIdOf(line.id),
		...(line.threadId
			? { inReplyTo: messageIdOf(line.threadId), references: [messageIdOf(line.threadId)] }
			: {}),
		headers: {
			'X-ConnectFlow-Message-Id': line.id,
			'X-ConnectFlow-Channel-Id': line.channel.id,
			...(line.editedAt ? { 'X-ConnectFlow-Edited-At': line.editedAt } : {}),
			...(line.deleted
				? {
						'X-ConnectFlow-Deleted-At': line.deletedAt ?? '',
						'X-ConnectFlow-Deleted-By': `${line.deletedBy?.name} <${line.deletedBy?.id}>`
					}
				: {})
		},
		text: body
	});
	return composer.compile().build();
}
