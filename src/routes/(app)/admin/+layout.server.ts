import { error } from '@sveltejs/kit';
import { pageContext } from '$lib/server/http/page.ts';
import { policy, retentionPolicy } from '$lib/shared/policy.ts';
import type { LayoutServerLoad } from './$types';

/** /admin is for people who manage something; the tabs show what each of them may open. */
export const load: LayoutServerLoad = async (event) => {
	const { user } = await pageContext(event);
	if (!policy.accessAdmin(user)) {
		error(403, {
			code: 'FORBIDDEN',
			message: 'Administration is for Super Admins, Department Heads and Team Managers.'
		});
	}
	const org = { id: user.orgId };
	return {
		actor: {
			id: user.id,
			orgId: user.orgId,
			orgName: user.orgName,
			name: user.name,
			role: user.role,
			status: user.status,
			departmentId: user.departmentId,
			teamId: user.teamId
		},
		adminCan: {
			manageJoinCode: policy.manageJoinCode(user, org),
			viewAuditLog: policy.viewAuditLog(user, org),
			viewJobs: policy.viewJobs(user),
			manageRetention: retentionPolicy.setOrgRule(user, org),
			// Everyone who opens /admin sees the dashboard of at least their own team or department.
			viewDashboard: policy.accessAdmin(user),
			// Likewise the compliance export of their own team's or department's channels and people.
			exportMessages: policy.accessAdmin(user),
			createDepartment: policy.createDepartment(user, org),
			approveMembers: policy.approveMember(user, org)
		}
	};
};
