import { handle } from '../http/endpoint.ts';
import * as channels from '#shared/api/channels.ts';

export const listChannels = handle(channels.listChannels, async ({ ctx, user }) => ({
	channels: await ctx.channels.list(user)
}));

export const createChannel = handle(channels.createChannel, ({ ctx, user, body }) =>
	ctx.channels.create(user, body)
);

export const channelDetail = handle(channels.channelDetail, ({ ctx, user, params }) =>
	ctx.channels.detail(user, params.id)
);

export const updateChannel = handle(channels.updateChannel, ({ ctx, user, params, body }) =>
	ctx.channels.update(user, params.id, body)
);

export const addChannelMembers = handle(channels.addChannelMembers, ({ ctx, user, params, body }) =>
	ctx.channels.addMembers(user, params.id, body)
);

export const removeChannelMember = handle(
	channels.removeChannelMember,
	async ({ ctx, user, params }) => {
		await ctx.channels.removeMember(user, params.id, params.userId);
		return { ok: true as const };
	}
);

export const openDm = handle(channels.openDm, ({ ctx, user, body }) =>
	ctx.channels.openDm(user, body)
);
