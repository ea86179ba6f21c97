export const roles = ['super_admin', 'department_head', 'team_manager', 'team_member'] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
	super_admin: 'Super Admin',
	department_head: 'Department Head',
	team_manager: 'Team Manager',
	team_member: 'Team Member'
};

/** Higher ranks manage lower ones; nobody manages their own rank or above (but Super Admins). */
export const roleRank: Record<Role, number> = {
	super_admin: 3,
	department_head: 2,
	team_manager: 1,
	team_member: 0
};

export const userStatuses = ['active', 'pending', 'deactivated'] as const;
export type UserStatus = (typeof userStatuses)[number];
