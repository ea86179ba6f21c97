import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { FileService } from '../file.service.ts';

/** Uploads `bytes` as the file `name` to the conversation, as the endpoint hands a body over. */
export function uploadBytes(
	files: FileService,
	user: SessionUser,
	channelId: string,
	bytes: Uint8Array,
	name: string
) {
	const body = new Blob([bytes.slice()]).stream();
	return files.upload(user, channelId, { name, voice: 'false' }, body, null);
}
