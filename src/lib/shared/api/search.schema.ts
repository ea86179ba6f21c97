import { z } from 'zod';
import { singleLineText } from '../text.ts';

export const searchRequestSchema = z.object({
	q: singleLineText().max(500).default(''),
	limit: z.coerce.number().int().min(1).max(100).default(30),
	/** Results older than this (accepted time, ISO) — the next page. */
	cursor: z.iso.datetime({ offset: true }).optional()
});

export const searchHitSchema = z.object({
	id: z.uuid(),
	channelId: z.uuid(),
	channelName: z.string(),
	channelKind: z.string(),
	shard: z.number().int(),
	authorId: z.uuid(),
	authorName: z.string(),
	threadId: z.uuid().nullable(),
	text: z.string(),
	/** Its files as a result shows them: "Voice message", or their names ('' for none). */
	attached: z.string(),
	voice: z.boolean(),
	acceptedAt: z.string(),
	editedAt: z.string().nullable()
});

export const searchResultSchema = z.object({
	hits: z.array(searchHitSchema),
	problems: z.array(z.string()),
	nextCursor: z.string().nullable()
});

export type SearchHit = z.infer<typeof searchHitSchema>;
export type SearchResult = z.infer<typeof searchResultSchema>;
export type SearchRequest = z.output<typeof searchRequestSchema>;
