import { z } from 'zod';
import { multiLineText, singleLineText } from '../text.ts';

/**
 * Approval workflows (issue 18): what needs someone's yes. A project room (for those below Team
 * Manager), joining a private group, posting in Official Announcements (for those who may not),
 * joining the organization while it approves new members.
 */
export const approvalKinds = [
	'project_room',
	'private_group',
	'announcement',
	'organization'
] as const;
export type ApprovalKind = (typeof approvalKinds)[number];

export const approvalStatuses = ['pending', 'approved', 'rejected'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

/** Who a request was routed to, by their position. */
export const approverRoles = [
	'team_manager',
	'department_head',
	'group_owner',
	'super_admin'
] as const;
export type ApproverRole = (typeof approverRoles)[number];

export const approvalKindLabels: Record<ApprovalKind, string> = {
	project_room: 'Project room',
	private_group: 'Join a private group',
	announcement: 'Post in Official Announcements',
	organization: 'Join the organization'
};

export const approverRoleLabels: Record<ApproverRole, string> = {
	team_manager: 'your Team Manager',
	department_head: 'your Department Head',
	group_owner: 'the group’s owner',
	super_admin: 'a Super Admin'
};

const note = multiLineText().trim().max(1000, 'At most 1,000 characters.').default('');
const channelName = singleLineText().trim().min(1, 'Enter a name.').max(80);
const topic = singleLineText().trim().max(250);

export const requestProjectRoomSchema = z
	.object({
		name: channelName,
		topic: topic.default(''),
		memberIds: z.array(z.uuid('Not a valid id.')).max(500).default([]),
		startsAt: z.iso.datetime({ offset: true }).optional(),
		endsAt: z.iso.datetime({ offset: true, message: 'A project room needs an end date.' }),
		note
	})
	.refine((value) => !value.startsAt || Date.parse(value.startsAt) < Date.parse(value.endsAt), {
		message: 'The end must come after the start.',
		path: ['endsAt']
	});
export type RequestProjectRoomInput = z.output<typeof requestProjectRoomSchema>;

export const requestGroupSchema = z.object({ note });
export type RequestGroupInput = z.output<typeof requestGroupSchema>;

export const requestAnnouncementSchema = z.object({
	text: multiLineText()
		.trim()
		.min(1, 'Write the announcement.')
		.max(4000, 'At most 4,000 characters.'),
	note
});
export type RequestAnnouncementInput = z.output<typeof requestAnnouncementSchema>;

export const decideApprovalSchema = z
	.object({
		decision: z.enum(['approve', 'reject']),
		reason: multiLineText().trim().max(1000, 'At most 1,000 characters.').default('')
	})
	.refine((value) => value.decision === 'approve' || value.reason.length > 0, {
		message: 'Say why you reject it.',
		path: ['reason']
	});
export type DecideApprovalInput = z.output<typeof decideApprovalSchema>;

const personRef = z.object({ id: z.uuid(), name: z.string() });

export const approvalRequestSchema = z.object({
	id: z.uuid(),
	kind: z.enum(approvalKinds),
	status: z.enum(approvalStatuses),
	requester: personRef.extend({ title: z.string() }),
	/** The person it was routed to; null: the organization's Super Admins. */
	approver: personRef.nullable(),
	approverRole: z.enum(approverRoles),
	/** What it is about, in words: the room's or group's name, the announcement's first line. */
	subject: z.string(),
	/** The group to join, the announcements channel, or the room once made. */
	channelId: z.uuid().nullable(),
	/** A project room's dates and people, an announcement's text. */
	details: z.object({
		topic: z.string().optional(),
		startsAt: z.string().nullable().optional(),
		endsAt: z.string().optional(),
		memberCount: z.number().int().optional(),
		text: z.string().optional(),
		email: z.string().optional()
	}),
	note: z.string(),
	reason: z.string(),
	decidedBy: personRef.nullable(),
	decidedAt: z.string().nullable(),
	/** When the approved request took effect (the room made, the person in, the post published). */
	effectedAt: z.string().nullable(),
	createdAt: z.string()
});
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

export const approvalInboxSchema = z.object({
	/** Waiting for the person's decision, oldest first. */
	pending: z.array(approvalRequestSchema),
	/** Decided by them lately, newest first. */
	decided: z.array(approvalRequestSchema)
});
export type ApprovalInbox = z.infer<typeof approvalInboxSchema>;
