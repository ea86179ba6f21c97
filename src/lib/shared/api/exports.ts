import { z } from 'zod';
import { defineContract, idParams } from './contract.ts';
import {
	createExportBodySchema,
	createSelfExportBodySchema,
	exportDownloadQuery,
	exportListSchema,
	exportSchema,
	exportTargetsSchema
} from './exports.schema.ts';

/** A compliance export of a channel's or a person's messages, run as a job. */
export const createExport = defineContract({
	method: 'POST',
	path: '/api/exports',
	summary:
		'Export the messages of a channel or a person over a period, with every edit and deletion, as JSON lines, CSV and EML in a ZIP (optionally with the files)',
	tag: 'Exports',
	requiresUser: true,
	body: createExportBodySchema,
	response: exportSchema,
	status: 202
});

export const createSelfExport = defineContract({
	method: 'POST',
	path: '/api/exports/mine',
	summary: 'Export my own messages (and files) as a ZIP',
	tag: 'Exports',
	requiresUser: true,
	body: createSelfExportBodySchema,
	response: exportSchema,
	status: 202
});

export const listExports = defineContract({
	method: 'GET',
	path: '/api/exports',
	summary: 'The exports I asked for, newest first, with their progress',
	tag: 'Exports',
	requiresUser: true,
	response: exportListSchema
});

export const getExport = defineContract({
	method: 'GET',
	path: '/api/exports/{id}',
	summary: 'One export of mine: its progress, and once done a download link that expires',
	tag: 'Exports',
	requiresUser: true,
	params: idParams,
	response: exportSchema
});

export const downloadExport = defineContract({
	method: 'GET',
	path: '/api/exports/download',
	summary: 'Download an export through its signed link (the ZIP, as an attachment)',
	tag: 'Exports',
	requiresUser: false,
	query: exportDownloadQuery,
	response: z.unknown()
});

export const exportTargets = defineContract({
	method: 'GET',
	path: '/api/exports/targets',
	summary: 'The channels and people whose messages I may export (for a compliance export)',
	tag: 'Exports',
	requiresUser: true,
	response: exportTargetsSchema
});
