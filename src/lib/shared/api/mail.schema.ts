import { z } from 'zod';

/**
 * How long an email of missed messages waits for more, as a person may choose it (seconds):
 * 5, 10, 15, 30 or 60 minutes. Someone who never chose has the server's default
 * (EMAIL_BATCH_SECONDS, 10 minutes unless the operator set it).
 */
export const emailBatchChoices = [300, 600, 900, 1800, 3600] as const;
export type EmailBatchSeconds = (typeof emailBatchChoices)[number];

export const emailSettingsSchema = z.object({
	/** Whether this server sends email at all (SMTP_URL is set). */
	available: z.boolean(),
	/** Whether this person wants notification emails. */
	enabled: z.boolean(),
	/** The batching interval in effect for this person: their choice, else the server's default. */
	batchSeconds: z.number().int().positive(),
	/** Whether `batchSeconds` is the person's own choice (false: the server's default). */
	batchChosen: z.boolean()
});
export type EmailSettings = z.output<typeof emailSettingsSchema>;

const batchChoice = z.union(
	emailBatchChoices.map((seconds) => z.literal(seconds)),
	{ message: `One of ${emailBatchChoices.join(', ')} seconds (5, 10, 15, 30 or 60 minutes).` }
);

/** Either setting or both; what is left out stays as it is. */
export const emailSettingsInputSchema = z
	.object({ enabled: z.boolean().optional(), batchSeconds: batchChoice.optional() })
	.refine((value) => value.enabled !== undefined || value.batchSeconds !== undefined, {
		message: 'Give `enabled`, `batchSeconds` or both.'
	});
export type EmailSettingsInput = z.output<typeof emailSettingsInputSchema>;
