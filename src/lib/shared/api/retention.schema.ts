import { z } from 'zod';
import { singleLineText } from '../text.ts';

/** The longest retention one may set: a hundred years (longer is "keep forever"). */
export const MAX_RETENTION_DAYS = 36_500;

/** A number of whole days, 1 to 100 years: -1, 0, 1.5 or "ten" are refused with a clear word. */
export const retentionDaysSchema = z
	.number({ error: 'Days must be a whole number.' })
	.int('Days must be a whole number.')
	.min(1, 'At least 1 day.')
	.max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS.toLocaleString('en')} days.`);

/** The organization's rule: keep forever, or delete what is older than `days`. */
export const orgRetentionRuleSchema = z.discriminatedUnion('mode', [
	z.object({ mode: z.literal('forever') }),
	z.object({ mode: z.literal('days'), days: retentionDaysSchema })
]);
export type OrgRetentionRule = z.output<typeof orgRetentionRuleSchema>;

/** A channel's rule: the organization's (inherit), keep forever, or delete after `days`. */
export const channelRetentionRuleSchema = z.discriminatedUnion('mode', [
	z.object({ mode: z.literal('inherit') }),
	z.object({ mode: z.literal('forever') }),
	z.object({ mode: z.literal('days'), days: retentionDaysSchema })
]);
export type ChannelRetentionRule = z.output<typeof channelRetentionRuleSchema>;

/** A body (and answer) that is one rule of the organization's, or of a channel's. */
export const orgRuleBodySchema = z.object({ rule: orgRetentionRuleSchema });
export const channelRuleBodySchema = z.object({ rule: channelRetentionRuleSchema });

/** What a rule would delete now ("N messages and M files would be deleted"). */
export const retentionPreviewSchema = z.object({
	messages: z.number().int(),
	files: z.number().int(),
	/** Messages the rule would delete but a legal hold keeps. */
	held: z.number().int()
});
export type RetentionPreview = z.infer<typeof retentionPreviewSchema>;

export const legalHoldTargetSchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('person'), userId: z.uuid('Not a valid id.') }),
	z.object({ kind: z.literal('channel'), channelId: z.uuid('Not a valid id.') })
]);
export type LegalHoldTarget = z.output<typeof legalHoldTargetSchema>;

export const placeLegalHoldSchema = z.object({
	target: legalHoldTargetSchema,
	reason: singleLineText()
		.trim()
		.min(1, 'Say why the hold is placed (a case or matter).')
		.max(200, 'At most 200 characters.')
});
export type PlaceLegalHoldInput = z.output<typeof placeLegalHoldSchema>;

export const legalHoldSchema = z.object({
	id: z.uuid(),
	kind: z.enum(['person', 'channel']),
	/** The person's or the channel's id and name. */
	targetId: z.uuid(),
	targetName: z.string(),
	reason: z.string(),
	placedBy: z.string().nullable(),
	placedAt: z.string()
});
export type LegalHold = z.infer<typeof legalHoldSchema>;

export const retentionRunSchema = z.object({
	id: z.uuid(),
	startedAt: z.string(),
	finishedAt: z.string().nullable(),
	messagesDeleted: z.number().int(),
	filesDeleted: z.number().int()
});
export type RetentionRun = z.infer<typeof retentionRunSchema>;

export const channelRetentionSchema = z.object({
	channelId: z.uuid(),
	channelName: z.string(),
	rule: channelRetentionRuleSchema,
	held: z.boolean()
});
export type ChannelRetention = z.infer<typeof channelRetentionSchema>;

export const retentionOverviewSchema = z.object({
	org: orgRetentionRuleSchema,
	/** Channels with a rule of their own. */
	channels: z.array(channelRetentionSchema),
	holds: z.array(legalHoldSchema),
	lastRun: retentionRunSchema.nullable()
});
export type RetentionOverview = z.infer<typeof retentionOverviewSchema>;

/** A channel's retention as its settings show it. */
export const channelRetentionAnswerSchema = z.object({
	rule: channelRetentionRuleSchema,
	/** The organization's rule, which `inherit` follows. */
	org: orgRetentionRuleSchema,
	held: z.boolean()
});
export type ChannelRetentionAnswer = z.infer<typeof channelRetentionAnswerSchema>;
