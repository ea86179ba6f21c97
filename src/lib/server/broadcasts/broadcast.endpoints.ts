import { handle } from '../http/endpoint.ts';
import * as broadcasts from '#shared/api/broadcasts.ts';

export const sendBroadcast = handle(broadcasts.sendBroadcast, ({ ctx, user, body }) =>
	ctx.broadcasts.send(user, body)
);

export const pendingBroadcasts = handle(broadcasts.pendingBroadcasts, async ({ ctx, user }) => ({
	broadcasts: await ctx.broadcasts.pending(user)
}));

export const sentBroadcasts = handle(broadcasts.sentBroadcasts, async ({ ctx, user }) => ({
	broadcasts: await ctx.broadcasts.followed(user)
}));

export const acknowledgeBroadcast = handle(
	broadcasts.acknowledgeBroadcast,
	({ ctx, user, params }) => ctx.broadcasts.acknowledge(user, params.id)
);

export const broadcastAcknowledgements = handle(
	broadcasts.broadcastAcknowledgements,
	({ ctx, user, params }) => ctx.broadcasts.acknowledgements(user, params.id)
);

export const broadcastAcknowledgementsCsv = handle(
	broadcasts.broadcastAcknowledgementsCsv,
	({ ctx, user, params }) => ctx.broadcasts.acknowledgementsCsv(user, params.id)
);
