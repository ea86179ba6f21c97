import { z } from 'zod';
import { channelKinds } from '../policy.ts';
import { singleLineText } from '../text.ts';

const channelName = singleLineText().trim().min(1, 'Enter a name.').max(80);
const topic = singleLineText().trim().max(250);
const memberIds = z.array(z.uuid()).max(500);

export const createChannelSchema = z
	.object({
		kind: z.enum(['project', 'private']),
		name: channelName,
		topic: topic.default(''),
		memberIds: memberIds.default([]),
		startsAt: z.iso.datetime({ offset: true }).optional(),
		endsAt: z.iso.datetime({ offset: true }).optional()
	})
	.refine((value) => value.kind !== 'project' || value.endsAt !== undefined, {
		message: 'A project room needs an end date.',
		path: ['endsAt']
	})
	.refine(
		(value) =>
			!value.startsAt || !value.endsAt || Date.parse(value.startsAt) < Date.parse(value.endsAt),
		{ message: 'The end must come after the start.', path: ['endsAt'] }
	);

export const openDmSchema = z.object({
	memberIds: memberIds.min(1, 'Choose at least one person.').max(8)
});

export const updateChannelSchema = z
	.object({
		name: channelName.optional(),
		topic: topic.optional(),
		postPolicy: z.enum(['members', 'moderators']).optional()
	})
	.refine((value) => Object.keys(value).length > 0, 'Nothing to change.');

export const addMembersSchema = z.object({ userIds: memberIds.min(1) });

export const channelAccessSchema = z.object({
	read: z.boolean(),
	post: z.boolean(),
	react: z.boolean(),
	moderate: z.boolean(),
	manage: z.boolean()
});

export const channelMemberSchema = z.object({
	id: z.uuid(),
	name: z.string(),
	title: z.string(),
	role: z.string(),
	teamId: z.uuid().nullable()
});

export const channelSummarySchema = z.object({
	id: z.uuid(),
	kind: z.enum(channelKinds),
	name: z.string(),
	topic: z.string(),
	postPolicy: z.enum(['members', 'moderators']),
	headShard: z.number().int(),
	archived: z.boolean(),
	startsAt: z.string().nullable(),
	endsAt: z.string().nullable(),
	teamId: z.uuid().nullable(),
	departmentId: z.uuid().nullable(),
	access: channelAccessSchema,
	unread: z.number().int(),
	/** Of the unread, those that mention the person (by name, @channel, @team of theirs). */
	mentions: z.number().int(),
	/** Other people of a direct conversation. */
	partners: z.array(channelMemberSchema)
});

export const channelDetailSchema = channelSummarySchema.extend({
	members: z.array(channelMemberSchema)
});

export type ChannelSummary = z.infer<typeof channelSummarySchema>;
export type ChannelDetail = z.infer<typeof channelDetailSchema>;
export type ChannelMember = z.infer<typeof channelMemberSchema>;
export type CreateChannelInput = z.output<typeof createChannelSchema>;
export type UpdateChannelInput = z.output<typeof updateChannelSchema>;
export type AddMembersInput = z.output<typeof addMembersSchema>;
export type OpenDmInput = z.output<typeof openDmSchema>;
