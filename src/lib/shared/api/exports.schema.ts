import { z } from 'zod';

/** What an export may hold: JSON lines, CSV (one row per event) and EML (one email per message). */
export const exportFormats = ['jsonl', 'csv', 'eml'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** A calendar day, YYYY-MM-DD (UTC). */
const day = z.iso.date({ error: 'Give the day as YYYY-MM-DD.' });

export const exportScopeSchema = z.discriminatedUnion(
	'kind',
	[
		z.object({ kind: z.literal('channel'), channelId: z.uuid() }),
		z.object({ kind: z.literal('person'), personId: z.uuid() })
	],
	{ error: 'Give the scope as { kind: "channel", channelId } or { kind: "person", personId }.' }
);

const formatsSchema = z
	.array(
		z.enum(exportFormats, { error: `Give each format as one of ${exportFormats.join(', ')}.` })
	)
	.min(1, 'Choose at least one format.')
	.max(exportFormats.length)
	.refine((list) => new Set(list).size === list.length, 'Give each format once.');

const periodFields = {
	/** First day of the period (UTC), included; left out: from the first message. */
	from: day.optional(),
	/** Last day of the period (UTC), included; left out: up to now. */
	to: day.optional()
};

/** A period that ends before it starts is refused, on the field `to`. */
const periodInOrder = (value: { from?: string; to?: string }) =>
	!(value.from && value.to && value.to < value.from);
const periodError = { message: 'The period ends before it starts.', path: ['to'] };

/** A compliance export asked by a manager: a channel or a person, a period, formats, files. */
export const createExportBodySchema = z
	.object({
		scope: exportScopeSchema,
		...periodFields,
		formats: formatsSchema,
		includeFiles: z.boolean().default(false)
	})
	.refine(periodInOrder, periodError);

/** A person's export of their own messages (and files). */
export const createSelfExportBodySchema = z
	.object({
		...periodFields,
		formats: formatsSchema,
		includeFiles: z.boolean().default(true)
	})
	.refine(periodInOrder, periodError);

export const exportDownloadQuery = z.object({
	/** The signed link's token (GET /api/exports/{id} gives a fresh one). */
	token: z.string().min(1, 'Give the token of the link.').max(1024)
});

export const exportStatuses = ['queued', 'running', 'done', 'failed'] as const;

export const exportSchema = z.object({
	id: z.uuid(),
	scope: z.object({
		kind: z.enum(['channel', 'person']),
		id: z.uuid(),
		/** The channel's or person's name when the export was asked for. */
		name: z.string()
	}),
	/** The asker's own messages (from the settings page). */
	self: z.boolean(),
	from: z.string().nullable(),
	to: z.string().nullable(),
	formats: z.array(z.enum(exportFormats)),
	includeFiles: z.boolean(),
	status: z.enum(exportStatuses),
	/** Messages in the export (known once the job started) and written so far. */
	totalMessages: z.number().int().nonnegative().nullable(),
	doneMessages: z.number().int().nonnegative(),
	files: z.number().int().nonnegative(),
	bytes: z.number().int().nonnegative().nullable(),
	error: z.string().nullable(),
	createdAt: z.string(),
	finishedAt: z.string().nullable(),
	requestedBy: z.object({ id: z.uuid(), name: z.string() }),
	/** Once done, to the asker: a signed link that works until `downloadExpiresAt`. */
	downloadUrl: z.string().nullable(),
	downloadExpiresAt: z.string().nullable()
});

export const exportListSchema = z.object({ exports: z.array(exportSchema) });

export const exportTargetsSchema = z.object({
	/** The channels and people whose messages the asker may export, by name. */
	channels: z.array(z.object({ id: z.uuid(), name: z.string(), kind: z.string() })),
	people: z.array(z.object({ id: z.uuid(), name: z.string() }))
});

export type ExportTargets = z.infer<typeof exportTargetsSchema>;
export type ExportScope = z.output<typeof exportScopeSchema>;
export type CreateExportInput = z.output<typeof createExportBodySchema>;
export type CreateSelfExportInput = z.output<typeof createSelfExportBodySchema>;
export type ExportInfo = z.infer<typeof exportSchema>;
export type ExportStatus = (typeof exportStatuses)[number];
