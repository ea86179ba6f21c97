import { z } from 'zod';
import { defineContract, idParams } from './contract.ts';
import {
	addMembersSchema,
	channelDetailSchema,
	channelSummarySchema,
	createChannelSchema,
	openDmSchema,
	updateChannelSchema
} from './channels.schema.ts';

/** Channels, their members and direct conversations. */
export const listChannels = defineContract({
	method: 'GET',
	path: '/api/channels',
	summary: 'Channels and conversations I can read, with unread counts',
	tag: 'Channels',
	requiresUser: true,
	offline: true,
	response: z.object({ channels: z.array(channelSummarySchema) })
});

export const createChannel = defineContract({
	method: 'POST',
	path: '/api/channels',
	summary: 'Create a project room (with an end date) or a private group',
	tag: 'Channels',
	requiresUser: true,
	body: createChannelSchema,
	response: channelDetailSchema,
	status: 201
});

export const channelDetail = defineContract({
	method: 'GET',
	path: '/api/channels/{id}',
	summary: 'A channel with its members and what I may do there',
	tag: 'Channels',
	requiresUser: true,
	offline: true,
	params: idParams,
	response: channelDetailSchema
});

export const updateChannel = defineContract({
	method: 'PATCH',
	path: '/api/channels/{id}',
	summary: 'Change a channel’s name, topic or who may post',
	tag: 'Channels',
	requiresUser: true,
	params: idParams,
	body: updateChannelSchema,
	response: channelDetailSchema
});

export const addChannelMembers = defineContract({
	method: 'POST',
	path: '/api/channels/{id}/members',
	summary: 'Invite people to a project room or private group',
	tag: 'Channels',
	requiresUser: true,
	params: idParams,
	body: addMembersSchema,
	response: channelDetailSchema
});

export const removeChannelMember = defineContract({
	method: 'DELETE',
	path: '/api/channels/{id}/members/{userId}',
	summary: 'Remove someone from a project room or private group (or leave it)',
	tag: 'Channels',
	requiresUser: true,
	params: z.object({ id: z.uuid(), userId: z.uuid() }),
	response: z.object({ ok: z.literal(true) })
});

export const openDm = defineContract({
	method: 'POST',
	path: '/api/dms',
	summary: 'Open a direct conversation with one or more people (reopens an existing one)',
	tag: 'Channels',
	requiresUser: true,
	body: openDmSchema,
	response: channelDetailSchema
});
