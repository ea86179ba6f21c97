import { describe, expect, it } from 'vitest';
import { approvalPolicy, channelAccess, type Actor, type ChannelRef } from './policy.ts';
import { roles, type Role } from './roles.ts';

/** Who may ask for approval, and who decides (approvalPolicy), for every role. */
const actor = (role: Role, overrides: Partial<Actor> = {}): Actor => ({
	id: `actor-${role}`,
	orgId: 'org-1',
	role,
	status: 'active',
	departmentId: role === 'super_admin' ? null : 'dept-a',
	teamId: role === 'team_manager' || role === 'team_member' ? 'team-a' : null,
	...overrides
});

const announcements: ChannelRef = {
	id: 'channel-1',
	orgId: 'org-1',
	kind: 'announcements',
	departmentId: null,
	teamId: null,
	postPolicy: 'moderators',
	archived: false,
	endsAt: null,
	createdBy: null
};

describe('approvalPolicy', () => {
	it('offers to ask exactly where the product refuses', () => {
		const askRoom = roles.map((role) => approvalPolicy.askProjectRoom(actor(role)));
		expect(askRoom).toEqual([false, false, false, true]);
		const askPost = roles.map((role) =>
			approvalPolicy.askAnnouncement(actor(role), channelAccess(actor(role), announcements, false))
		);
		expect(askPost).toEqual([false, false, true, true]);
		expect(approvalPolicy.askProjectRoom(actor('team_member', { status: 'deactivated' }))).toBe(
			false
		);
	});

	it('lets the approver or a Super Admin decide, never the asker', () => {
		const request = { orgId: 'org-1', requesterId: 'someone', approverId: 'actor-team_manager' };
		const refusals = roles.map((role) => approvalPolicy.decideRefusal(actor(role), request));
		expect(refusals).toEqual([null, 'NOT_APPROVER', null, 'NOT_APPROVER']);
		const own = { ...request, requesterId: 'actor-super_admin', approverId: null };
		expect(approvalPolicy.decideRefusal(actor('super_admin'), own)).toBe('OWN_REQUEST');
		const elsewhere = { ...request, orgId: 'org-2' };
		expect(approvalPolicy.decideRefusal(actor('super_admin'), elsewhere)).toBe('NOT_APPROVER');
		expect(
			approvalPolicy.decideRefusal(actor('team_manager', { status: 'deactivated' }), request)
		).toBe('NOT_APPROVER');
	});
});
