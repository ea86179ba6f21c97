import { z } from 'zod';
import { defineContract, idParams } from './contract.ts';
import {
	approvalInboxSchema,
	approvalRequestSchema,
	decideApprovalSchema,
	requestAnnouncementSchema,
	requestGroupSchema,
	requestProjectRoomSchema
} from './approvals.schema.ts';

/** Approval workflows (issue 18): asking, deciding, following one's own requests. */
export const requestProjectRoom = defineContract({
	method: 'POST',
	path: '/api/approvals/project-rooms',
	summary:
		'Ask for a project room (for those who may not create one): routed to the Team Manager, else the Department Head, else a Super Admin',
	tag: 'Approvals',
	requiresUser: true,
	body: requestProjectRoomSchema,
	response: approvalRequestSchema,
	status: 201
});

export const requestGroupMembership = defineContract({
	method: 'POST',
	path: '/api/approvals/private-groups/{id}',
	summary: 'Ask to join a private group (by its link): routed to the group’s owner',
	tag: 'Approvals',
	requiresUser: true,
	params: idParams,
	body: requestGroupSchema,
	response: approvalRequestSchema,
	status: 201
});

export const requestAnnouncement = defineContract({
	method: 'POST',
	path: '/api/approvals/announcements',
	summary:
		'Ask to post in Official Announcements (for those who may not post there): routed to the Department Head, else a Super Admin',
	tag: 'Approvals',
	requiresUser: true,
	body: requestAnnouncementSchema,
	response: approvalRequestSchema,
	status: 201
});

export const approvalInbox = defineContract({
	method: 'GET',
	path: '/api/approvals/inbox',
	summary: 'Requests waiting for my decision, and those I decided lately',
	tag: 'Approvals',
	requiresUser: true,
	response: approvalInboxSchema
});

export const myApprovalRequests = defineContract({
	method: 'GET',
	path: '/api/approvals/mine',
	summary: 'My own requests, newest first',
	tag: 'Approvals',
	requiresUser: true,
	response: z.object({ requests: z.array(approvalRequestSchema) })
});

export const decideApproval = defineContract({
	method: 'POST',
	path: '/api/approvals/{id}/decision',
	summary:
		'Approve or reject a request routed to me (a reason is required to reject); an approved request takes effect at once',
	tag: 'Approvals',
	requiresUser: true,
	params: idParams,
	body: decideApprovalSchema,
	response: approvalRequestSchema
});
