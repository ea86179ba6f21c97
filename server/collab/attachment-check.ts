import { parseEntryKey, type MessageValue } from '#shared/chat/document-schema.ts';
import type { Attachment } from '#shared/chat/values.ts';
import type { FileRepository, FileRow } from '#server/files/file.repository.ts';
import type { ChannelContext } from './context.ts';
import { channelRowId } from './conversations.ts';
import type { GuardedChanges } from './update-guard.ts';

/** The files one message of an update carries. */
export interface CarriedFiles {
	messageId: string;
	attachments: Attachment[];
}

/**
 * A message's files are files its author uploaded to this conversation (file.service.ts), each
 * as the server recorded it, and not carried by another message. The update guard checks the
 * shape of a message alone; this checks its files against the database, before anything of the
 * update is applied, and only for updates that carry files.
 */
export class AttachmentCheck {
	readonly files: FileRepository;

	constructor(files: FileRepository) {
		this.files = files;
	}

	/** The files the messages of an accepted update carry (validated values). */
	carried(changes: GuardedChanges): CarriedFiles[] {
		return changes.written
			.filter((entry) => parseEntryKey(entry.key)?.kind === 'message')
			.map((entry) => entry.value as MessageValue)
			.filter((value) => (value.attachments?.length ?? 0) > 0)
			.map((value) => ({ messageId: value.id, attachments: value.attachments! }));
	}

	/** Why the update may not carry these files, or null when it may. */
	async problem(context: ChannelContext, carried: CarriedFiles[]): Promise<string | null> {
		const ids = [...new Set(carried.flatMap(({ attachments }) => attachments.map((a) => a.id)))];
		const found = new Map((await this.files.findMany(ids)).map((file) => [file.id, file]));
		const channelId = channelRowId(context.conversation);
		for (const { messageId, attachments } of carried) {
			for (const attachment of attachments) {
				const file = found.get(attachment.id);
				if (!file || file.channelId !== channelId || file.uploaderId !== context.user.id) {
					return `file ${attachment.id} was not uploaded by you to this conversation`;
				}
				if (file.messageId !== null && file.messageId !== messageId) {
					return `file ${attachment.id} belongs to another message`;
				}
				if (!sameAsRecorded(attachment, file)) {
					return `file ${attachment.id} is not described as it was uploaded`;
				}
			}
		}
		return null;
	}

	/** Once the update is accepted: each file is tied to the message that carries it. */
	async attach(carried: CarriedFiles[]): Promise<void> {
		for (const { messageId, attachments } of carried) {
			await this.files.attach(
				messageId,
				attachments.map((attachment) => attachment.id)
			);
		}
	}
}

/** The message describes the file as the server recorded it: others see what was checked. */
function sameAsRecorded(attachment: Attachment, file: FileRow): boolean {
	return (
		attachment.name === file.name &&
		attachment.size === Number(file.size) &&
		attachment.mimeType === file.mimeType &&
		attachment.kind === file.kind &&
		(attachment.width ?? null) === file.width &&
		(attachment.height ?? null) === file.height &&
		(attachment.durationMs ?? null) === file.durationMs &&
		(attachment.waveform ?? null) === file.waveform
	);
}
