import { z } from 'zod';
import { multiLineText, singleLineText } from '../text.ts';

/** How often those who have not acknowledged are told again: none, or every N minutes. */
export const BROADCAST_RENOTIFY_CHOICES = [5, 15, 30, 60, 240] as const;
/** Notices in all (the first included) before the re-notify job stops. */
export const BROADCAST_MAX_NOTICES = 6;

export const broadcastScopeSchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('org') }),
	z.object({ kind: z.literal('department'), departmentId: z.uuid('Not a valid id.') })
]);
export type BroadcastScope = z.infer<typeof broadcastScopeSchema>;

export const sendBroadcastSchema = z.object({
	title: singleLineText().trim().min(1, 'Enter a title.').max(120, 'At most 120 characters.'),
	body: multiLineText().trim().min(1, 'Write the message.').max(4000, 'At most 4,000 characters.'),
	scope: broadcastScopeSchema,
	/** Minutes between reminders to those who have not acknowledged; null: no reminders. */
	renotifyMinutes: z
		.number()
		.int()
		.refine((minutes) => (BROADCAST_RENOTIFY_CHOICES as readonly number[]).includes(minutes), {
			message: `One of ${BROADCAST_RENOTIFY_CHOICES.join(', ')} minutes, or none.`
		})
		.nullable()
		.default(30)
});
export type SendBroadcastInput = z.output<typeof sendBroadcastSchema>;

export const broadcastSchema = z.object({
	id: z.uuid(),
	title: z.string(),
	body: z.string(),
	senderId: z.uuid(),
	senderName: z.string(),
	/** The department's name, or null for the whole organization. */
	departmentId: z.uuid().nullable(),
	departmentName: z.string().nullable(),
	renotifyMinutes: z.number().int().nullable(),
	createdAt: z.string()
});
export type Broadcast = z.infer<typeof broadcastSchema>;

/** Broadcasts listed (those I must acknowledge, or those I may follow). */
export const broadcastListSchema = z.object({ broadcasts: z.array(broadcastSchema) });

export const broadcastRecipientSchema = z.object({
	userId: z.uuid(),
	name: z.string(),
	title: z.string(),
	acknowledgedAt: z.string().nullable(),
	/** How often they were told (the first notice included). */
	notices: z.number().int()
});

export const acknowledgementsSchema = z.object({
	broadcast: broadcastSchema,
	total: z.number().int(),
	acknowledged: z.number().int(),
	/** Whole percent of the recipients who acknowledged. */
	percent: z.number().int(),
	/** Those who have not acknowledged first (by name), then the others by when they did. */
	recipients: z.array(broadcastRecipientSchema)
});
export type Acknowledgements = z.infer<typeof acknowledgementsSchema>;
