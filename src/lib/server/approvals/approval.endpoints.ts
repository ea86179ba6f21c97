import { handle } from '../http/endpoint.ts';
import * as approvals from '#shared/api/approvals.ts';

export const requestProjectRoom = handle(approvals.requestProjectRoom, ({ ctx, user, body }) =>
	ctx.approvals.requestProjectRoom(user, body)
);

export const requestGroupMembership = handle(
	approvals.requestGroupMembership,
	({ ctx, user, params, body }) => ctx.approvals.requestGroupMembership(user, params.id, body)
);

export const requestAnnouncement = handle(approvals.requestAnnouncement, ({ ctx, user, body }) =>
	ctx.approvals.requestAnnouncement(user, body)
);

export const approvalInbox = handle(approvals.approvalInbox, ({ ctx, user }) =>
	ctx.approvals.inbox(user)
);

export const myApprovalRequests = handle(approvals.myApprovalRequests, async ({ ctx, user }) => ({
	requests: await ctx.approvals.mine(user)
}));

export const decideApproval = handle(approvals.decideApproval, ({ ctx, user, params, body }) =>
	ctx.approvals.decide(user, params.id, body)
);
