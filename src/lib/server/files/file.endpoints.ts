import { handle } from '../http/endpoint.ts';
import * as files from '#shared/api/files.ts';

export const uploadFile = handle(files.uploadFile, ({ ctx, user, params, query, event }) => {
	const length = event.request.headers.get('content-length');
	return ctx.files.upload(
		user,
		params.id,
		query,
		event.request.body,
		length === null ? null : Number(length)
	);
});

export const downloadFile = handle(files.downloadFile, ({ ctx, user, params }) =>
	ctx.files.download(user, params.id)
);

export const filePreview = handle(files.filePreview, ({ ctx, user, params }) =>
	ctx.files.preview(user, params.id, params.size)
);

export const deleteFile = handle(files.deleteFile, async ({ ctx, user, params }) => {
	await ctx.files.withdraw(user, params.id);
	return { ok: true as const };
});

export const storageUsage = handle(files.storageUsage, ({ ctx, user }) => ctx.files.usage(user));
