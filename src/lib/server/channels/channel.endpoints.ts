import { z } from 'zod';
import { defineEndpoint } from '../http/endpoint.ts';
import {
	addMembersSchema,
	channelDetailSchema,
	channelSummarySchema,
	createChannelSchema,
	openDmSchema,
	updateChannelSchema
} from './channel.schema.ts';

const idParams = z.object({ id: z.uuid('Not a valid id.') });

export const listChannels = defineEndpoint({
	method: 'GET',
	path: '/api/channels',
	summary: 'Channels and conversations I can read, with unread counts',
	tag: 'Channels',
	requiresUser: true,
	response: z.object({ channels: z.array(channelSummarySchema) }),
	run: async ({ ctx, user }) => ({ channels: await ctx.channels.list(user) })
});

export const createChannel = defineEndpoint({
	method: 'POST',
	path: '/api/channels',
	summary: 'Create a project room (with an end date) or a private group',
	tag: 'Channels',
	requiresUser: true,
	body: createChannelSchema,
	response: channelDetailSchema,
	status: 201,
	run: ({ ctx, user, body }) => ctx.channels.create(user, body)
});

export const channelDetail = defineEndpoint({
	method: 'GET',
	path: '/api/channels/{id}',
	summary: 'A channel with its members and what I may do there',
	tag: 'Channels',
	requiresUser: true,
	params: idParams,
	response: channelDetailSchema,
	run: ({ ctx, user, params }) => ctx.channels.detail(user, params.id)
});

export const updateChannel = defineEndpoint({
	method: 'PATCH',
	path: '/api/channels/{id}',
	summary: 'Change a channel’s name, topic or who may post',
	tag: 'Channels',
	requiresUser: true,
	params: idParams,
	body: updateChannelSchema,
	response: channelDetailSchema,
	run: ({ ctx, user, params, body }) => ctx.channels.update(user, params.id, body)
});

export const addChannelMembers = defineEndpoint({
	method: 'POST',
	path: '/api/channels/{id}/members',
	summary: 'Invite people to a project room or private group',
	tag: 'Channels',
	requiresUser: true,
	params: idParams,
	body: addMembersSchema,
	response: channelDetailSchema,
	run: ({ ctx, user, params, body }) => ctx.channels.addMembers(user, params.id, body)
});

export const removeChannelMember = defineEndpoint({
	method: 'DELETE',
	path: '/api/channels/{id}/members/{userId}',
	summary: 'Remove someone from a project room or private group (or leave it)',
	tag: 'Channels',
	requiresUser: true,
	params: z.object({ id: z.uuid(), userId: z.uuid() }),
	response: z.object({ ok: z.literal(true) }),
	run: async ({ ctx, user, params }) => {
		await ctx.channels.removeMember(user, params.id, params.userId);
		return { ok: true as const };
	}
});

export const openDm = defineEndpoint({
	method: 'POST',
	path: '/api/dms',
	summary: 'Open a direct conversation with one or more people (reopens an existing one)',
	tag: 'Channels',
	requiresUser: true,
	body: openDmSchema,
	response: channelDetailSchema,
	run: ({ ctx, user, body }) => ctx.channels.openDm(user, body)
});
