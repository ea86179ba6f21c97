import { z } from 'zod';
import { defineContract, idParams } from './contract.ts';
import {
	fileParams,
	storageUsageSchema,
	uploadedFileSchema,
	uploadQuerySchema
} from '../files/files.schema.ts';

/**
 * Files of messages. Each file is uploaded on its own request (the raw bytes as the body) into a
 * pending record of that conversation; a message then names the files by id. The server decides
 * the type from the content, never from the name or the browser's claim.
 */
export const uploadFile = defineContract({
	method: 'POST',
	path: '/api/channels/{id}/files',
	summary:
		'Upload one file to a conversation (raw bytes as the body; name in the query): its type is read from its content',
	tag: 'Files',
	requiresUser: true,
	params: idParams,
	query: uploadQuerySchema,
	response: uploadedFileSchema,
	status: 201
});

export const downloadFile = defineContract({
	method: 'GET',
	path: '/api/files/{id}',
	summary: 'Download a file of a conversation I can read (always as an attachment)',
	tag: 'Files',
	requiresUser: true,
	params: fileParams,
	response: z.unknown()
});

export const filePreview = defineContract({
	method: 'GET',
	path: '/api/files/{id}/{size}',
	summary: 'An image’s thumbnail or preview (WebP, shown inline) for a conversation I can read',
	tag: 'Files',
	requiresUser: true,
	params: fileParams.extend({ size: z.enum(['thumbnail', 'preview']) }),
	response: z.unknown()
});

export const deleteFile = defineContract({
	method: 'DELETE',
	path: '/api/files/{id}',
	summary: 'Withdraw a file I uploaded that no message carries yet (a cancelled attachment)',
	tag: 'Files',
	requiresUser: true,
	params: fileParams,
	response: z.object({ ok: z.literal(true) })
});

export const storageUsage = defineContract({
	method: 'GET',
	path: '/api/storage',
	summary: 'How many files my organization keeps and the bytes they take (Super Admin)',
	tag: 'Files',
	requiresUser: true,
	response: storageUsageSchema
});
