import { z } from 'zod';
import { multiLineText, singleLineText } from '../text.ts';
import { channelMemberSchema } from './channels.schema.ts';

/** Shortest and longest breakout, and the most one extension adds. */
export const BREAKOUT_MIN_MINUTES = 1;
export const BREAKOUT_MAX_MINUTES = 120;
/** A room never runs longer than this in all, however often it is extended. */
export const BREAKOUT_MAX_TOTAL_MINUTES = 240;
/** Most rooms one split makes. */
export const BREAKOUT_MAX_ROOMS = 50;

const minutes = (most: number) =>
	z
		.number()
		.int('Whole minutes.')
		.min(1, 'At least 1 minute.')
		.max(most, `At most ${most} minutes.`);

export const createBreakoutSchema = z
	.object({
		title: singleLineText().trim().min(1, 'Enter a title.').max(80),
		durationMinutes: z
			.number()
			.int('Whole minutes.')
			.min(BREAKOUT_MIN_MINUTES, `At least ${BREAKOUT_MIN_MINUTES} minute.`)
			.max(BREAKOUT_MAX_MINUTES, `At most ${BREAKOUT_MAX_MINUTES} minutes.`),
		agenda: multiLineText().trim().max(2000).default(''),
		/**
		 * Who goes: members of the parent channel (the creator comes along without being listed).
		 * With `split`, the people shared out (all the parent's members when absent).
		 */
		participantIds: z.array(z.uuid()).max(500).optional(),
		/** Splits the people into `rooms` rooms: at random, or balanced by team. */
		split: z
			.object({
				rooms: z.number().int().min(2, 'At least 2 rooms.').max(BREAKOUT_MAX_ROOMS),
				mode: z.enum(['random', 'balanced'])
			})
			.optional()
	})
	.refine((value) => value.split !== undefined || (value.participantIds?.length ?? 0) > 0, {
		message: 'Choose who goes, or split the channel into rooms.',
		path: ['participantIds']
	});

export const addBreakoutParticipantsSchema = z.object({
	userIds: z.array(z.uuid()).min(1).max(500)
});

export const extendBreakoutSchema = z.object({
	minutes: minutes(BREAKOUT_MAX_MINUTES)
});

export const breakoutStates = ['running', 'ended'] as const;

export const breakoutSchema = z.object({
	/** The room's id: its channel row and its documents `breakout.<id>.<shard>`. */
	id: z.uuid(),
	parentId: z.uuid(),
	title: z.string(),
	agenda: z.string(),
	createdBy: z.uuid().nullable(),
	startsAt: z.string(),
	endsAt: z.string(),
	endedAt: z.string().nullable(),
	state: z.enum(breakoutStates),
	headShard: z.number().int(),
	/** Invited people and the creator. */
	participants: z.array(channelMemberSchema),
	/** The server's clock when it answered: a countdown is `endsAt - serverNow`, not the device's. */
	serverNow: z.string()
});

export type Breakout = z.infer<typeof breakoutSchema>;
export type CreateBreakoutInput = z.output<typeof createBreakoutSchema>;
export type AddBreakoutParticipantsInput = z.output<typeof addBreakoutParticipantsSchema>;
export type ExtendBreakoutInput = z.output<typeof extendBreakoutSchema>;
