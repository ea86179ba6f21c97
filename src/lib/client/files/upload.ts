import { pathOf } from '$lib/shared/api/contract.ts';
import { downloadFile, filePreview, uploadFile } from '$lib/shared/api/files.ts';
import { uploadedFileSchema, type UploadedFile } from '$lib/shared/files/files.schema.ts';
import { isErrorBody } from '$lib/shared/errors.ts';
import { ApiError } from '$lib/client/api.ts';

export interface UploadOptions {
	/** A voice message: its duration (ms) and waveform as the browser measured them. */
	voice?: { durationMs: number; waveform?: string };
	/** Bytes sent so far, of the total. */
	onProgress?: (sent: number, total: number) => void;
	/** Aborts the upload: the promise rejects with an AbortError DOMException. */
	signal?: AbortSignal;
}

/**
 * Uploads one file into a conversation (POST /api/channels/{id}/files, the raw bytes as the
 * body). XMLHttpRequest rather than fetch: fetch tells nothing of an upload's progress. Resolves
 * to the file as a message carries it; throws ApiError with the server's stable code (or
 * NETWORK), or the AbortError of `signal`.
 */
export function upload(
	channelId: string,
	file: Blob,
	name: string,
	options: UploadOptions = {}
): Promise<UploadedFile> {
	const query = new URLSearchParams({ name });
	if (options.voice) {
		query.set('voice', 'true');
		query.set('durationMs', String(Math.max(1, Math.round(options.voice.durationMs))));
		if (options.voice.waveform) query.set('waveform', options.voice.waveform);
	}
	const url = `${pathOf(uploadFile, { id: channelId })}?${query}`;
	return new Promise((resolve, reject) => {
		const request = new XMLHttpRequest();
		const abort = () => request.abort();
		if (options.signal?.aborted) {
			reject(new DOMException('The upload was cancelled.', 'AbortError'));
			return;
		}
		options.signal?.addEventListener('abort', abort, { once: true });
		const done = () => options.signal?.removeEventListener('abort', abort);
		request.open('POST', url);
		request.setRequestHeader('content-type', 'application/octet-stream');
		request.responseType = 'text';
		request.upload.onprogress = (event) => {
			options.onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
		};
		request.onload = () => {
			done();
			let body: unknown = null;
			try {
				body = JSON.parse(request.responseText);
			} catch {
				// Judged below as "no error body".
			}
			if (request.status === 201) {
				const parsed = uploadedFileSchema.safeParse(body);
				if (parsed.success) resolve(parsed.data);
				else reject(new ApiError('INTERNAL', 'The server answered an upload oddly.', 201));
				return;
			}
			if (isErrorBody(body)) {
				const { code, message, details } = body.error;
				reject(new ApiError(code, message, request.status, details));
			} else {
				reject(new ApiError('INTERNAL', `The server answered ${request.status}.`, request.status));
			}
		};
		request.onerror = () => {
			done();
			reject(new ApiError('NETWORK', 'Cannot reach ConnectFlow. Check your connection.', 0));
		};
		request.onabort = () => {
			done();
			reject(new DOMException('The upload was cancelled.', 'AbortError'));
		};
		request.send(file);
	});
}

/** Where a file's bytes, thumbnail and preview are read from (readers of its conversation). */
export const fileUrls = (fileId: string) => ({
	download: pathOf(downloadFile, { id: fileId }),
	thumbnail: pathOf(filePreview, { id: fileId, size: 'thumbnail' }),
	preview: pathOf(filePreview, { id: fileId, size: 'preview' })
});
