import { handle } from '../http/endpoint.ts';
import * as breakouts from '#shared/api/breakouts.ts';

export const createBreakouts = handle(
	breakouts.createBreakouts,
	async ({ ctx, user, params, body }) => ({
		breakouts: await ctx.breakouts.create(user, params.id, body)
	})
);

export const listBreakouts = handle(breakouts.listBreakouts, async ({ ctx, user, params }) => ({
	breakouts: await ctx.breakouts.list(user, params.id)
}));

export const breakoutDetail = handle(breakouts.breakoutDetail, ({ ctx, user, params }) =>
	ctx.breakouts.get(user, params.id)
);

export const addBreakoutParticipants = handle(
	breakouts.addBreakoutParticipants,
	({ ctx, user, params, body }) => ctx.breakouts.addParticipants(user, params.id, body)
);

export const extendBreakout = handle(breakouts.extendBreakout, ({ ctx, user, params, body }) =>
	ctx.breakouts.extend(user, params.id, body)
);

export const endBreakout = handle(breakouts.endBreakout, ({ ctx, user, params }) =>
	ctx.breakouts.end(user, params.id)
);
