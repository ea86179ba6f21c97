import { z } from 'zod';
import { defineContract, idParams } from './contract.ts';
import {
	addBreakoutParticipantsSchema,
	breakoutSchema,
	createBreakoutSchema,
	extendBreakoutSchema
} from './breakouts.schema.ts';

/** Breakout rooms: timed side rooms of a channel (issue 17). */
export const createBreakouts = defineContract({
	method: 'POST',
	path: '/api/channels/{id}/breakouts',
	summary: 'Open a breakout room from a channel, or split its members into several',
	tag: 'Breakouts',
	requiresUser: true,
	params: idParams,
	body: createBreakoutSchema,
	response: z.object({ breakouts: z.array(breakoutSchema) }),
	status: 201
});

export const listBreakouts = defineContract({
	method: 'GET',
	path: '/api/channels/{id}/breakouts',
	summary: 'A channel’s breakout rooms that I am in (all of them for its moderators)',
	tag: 'Breakouts',
	requiresUser: true,
	params: idParams,
	response: z.object({ breakouts: z.array(breakoutSchema) })
});

export const breakoutDetail = defineContract({
	method: 'GET',
	path: '/api/breakouts/{id}',
	summary: 'A breakout room, its participants and its end by the server’s clock',
	tag: 'Breakouts',
	requiresUser: true,
	params: idParams,
	response: breakoutSchema
});

export const addBreakoutParticipants = defineContract({
	method: 'POST',
	path: '/api/breakouts/{id}/participants',
	summary: 'Bring more members of the parent channel into a running breakout room',
	tag: 'Breakouts',
	requiresUser: true,
	params: idParams,
	body: addBreakoutParticipantsSchema,
	response: breakoutSchema
});

export const extendBreakout = defineContract({
	method: 'POST',
	path: '/api/breakouts/{id}/extend',
	summary: 'Give a running breakout room more minutes (its creator or a moderator)',
	tag: 'Breakouts',
	requiresUser: true,
	params: idParams,
	body: extendBreakoutSchema,
	response: breakoutSchema
});

export const endBreakout = defineContract({
	method: 'POST',
	path: '/api/breakouts/{id}/end',
	summary: 'End a breakout room now (its creator or a moderator)',
	tag: 'Breakouts',
	requiresUser: true,
	params: idParams,
	response: breakoutSchema
});
