import { roleRank, type Role, type UserStatus } from './roles.ts';

/**
 * The one policy module: every permission ConnectFlow grants is decided here, by pure functions
 * of who acts and where the target sits in the organization. Server handlers ask it before every
 * change; the browser asks it only to hide what would be refused anyway.
 */
export interface Actor {
	id: string;
	orgId: string;
	role: Role;
	status: UserStatus;
	departmentId: string | null;
	teamId: string | null;
}

export interface DepartmentRef {
	id: string;
	orgId: string;
}

export interface TeamRef {
	id: string;
	orgId: string;
	departmentId: string;
}

export interface PersonRef {
	id: string;
	orgId: string;
	role: Role;
	departmentId: string | null;
	teamId: string | null;
}

/** Where a person would be placed by an assignment. */
export interface Placement {
	role: Role;
	departmentId: string | null;
	teamId: string | null;
}

const isActive = (actor: Actor) => actor.status === 'active';
const isSuperAdmin = (actor: Actor) => isActive(actor) && actor.role === 'super_admin';
const headsDepartment = (actor: Actor, departmentId: string | null) =>
	isActive(actor) &&
	actor.role === 'department_head' &&
	departmentId !== null &&
	actor.departmentId === departmentId;
const managesTeam = (actor: Actor, teamId: string | null) =>
	isActive(actor) && actor.role === 'team_manager' && teamId !== null && actor.teamId === teamId;
const sameOrg = (actor: Actor, target: { orgId: string }) => actor.orgId === target.orgId;

/** A Super Admin any part, a Department Head their department and its teams, a Team Manager their team. */
const managesUnit = (actor: Actor, scope: DashboardScopeRef) =>
	sameOrg(actor, scope) &&
	(isSuperAdmin(actor) ||
		(scope.kind === 'department' && headsDepartment(actor, scope.id)) ||
		(scope.kind === 'team' &&
			(headsDepartment(actor, scope.departmentId) || managesTeam(actor, scope.id))));

export const policy = {
	/** Sees the directory, org chart and own sessions. */
	viewOrganization: (actor: Actor, org: { id: string }) =>
		isActive(actor) && actor.orgId === org.id,

	/** Sees one person's profile card: anyone of the same organization, whatever their status. */
	viewPerson: (actor: Actor, person: { orgId: string }) =>
		isActive(actor) && sameOrg(actor, person),

	/** Opens /admin at all: anyone who manages something. */
	accessAdmin: (actor: Actor) => isActive(actor) && actor.role !== 'team_member',

	manageJoinCode: (actor: Actor, org: { id: string }) =>
		isSuperAdmin(actor) && actor.orgId === org.id,

	viewAuditLog: (actor: Actor, org: { id: string }) =>
		isSuperAdmin(actor) && actor.orgId === org.id,

	/** The background job queue is the deployment's: its Super Admins see it. */
	viewJobs: (actor: Actor) => isSuperAdmin(actor),

	viewStorageUsage: (actor: Actor, org: { id: string }) =>
		isSuperAdmin(actor) && actor.orgId === org.id,

	createDepartment: (actor: Actor, org: { id: string }) =>
		isSuperAdmin(actor) && actor.orgId === org.id,

	renameDepartment: (actor: Actor, department: DepartmentRef) =>
		sameOrg(actor, department) && (isSuperAdmin(actor) || headsDepartment(actor, department.id)),

	archiveDepartment: (actor: Actor, department: DepartmentRef) =>
		sameOrg(actor, department) && isSuperAdmin(actor),

	createTeam: (actor: Actor, department: DepartmentRef) =>
		sameOrg(actor, department) && (isSuperAdmin(actor) || headsDepartment(actor, department.id)),

	renameTeam: (actor: Actor, team: TeamRef) =>
		sameOrg(actor, team) &&
		(isSuperAdmin(actor) ||
			headsDepartment(actor, team.departmentId) ||
			managesTeam(actor, team.id)),

	/** Moving a team between departments needs authority over both. */
	moveTeam: (actor: Actor, team: TeamRef, toDepartment: DepartmentRef) =>
		sameOrg(actor, team) &&
		sameOrg(actor, toDepartment) &&
		(isSuperAdmin(actor) ||
			(headsDepartment(actor, team.departmentId) && headsDepartment(actor, toDepartment.id))),

	archiveTeam: (actor: Actor, team: TeamRef) =>
		sameOrg(actor, team) && (isSuperAdmin(actor) || headsDepartment(actor, team.departmentId)),

	/**
	 * Places a person (team, department, role). A manager acts only on people inside their own
	 * area (or not yet placed), only into their own area, and only grants roles below their own.
	 */
	assignPerson: (actor: Actor, person: PersonRef, to: Placement) => {
		if (!sameOrg(actor, person) || !isActive(actor)) return false;
		if (isSuperAdmin(actor)) return !(person.id === actor.id && to.role !== 'super_admin');
		if (person.id === actor.id) return false;
		if (roleRank[person.role] >= roleRank[actor.role]) return false;
		if (roleRank[to.role] >= roleRank[actor.role]) return false;
		if (actor.role === 'department_head') {
			const personInside =
				person.departmentId === null || person.departmentId === actor.departmentId;
			return personInside && to.departmentId === actor.departmentId;
		}
		if (actor.role === 'team_manager') {
			const personInside = person.teamId === null || person.teamId === actor.teamId;
			return personInside && to.teamId === actor.teamId;
		}
		return false;
	},

	/** Deactivating ends every session of that person, so it is kept to Super Admins and heads. */
	deactivatePerson: (actor: Actor, person: PersonRef) =>
		sameOrg(actor, person) &&
		person.id !== actor.id &&
		(isSuperAdmin(actor) ||
			(headsDepartment(actor, person.departmentId) &&
				roleRank[person.role] < roleRank.department_head)),

	approveMember: (actor: Actor, org: { id: string }) =>
		isActive(actor) &&
		actor.orgId === org.id &&
		(actor.role === 'super_admin' || actor.role === 'department_head'),

	editOwnProfile: (actor: Actor) => isActive(actor),

	/**
	 * Sees the activity dashboard of a part of the organization: a Super Admin any part, a
	 * Department Head their department and its teams, a Team Manager their team.
	 */
	viewDashboard: (actor: Actor, scope: DashboardScopeRef) => managesUnit(actor, scope),

	/**
	 * Exports the messages of a channel or a person (compliance export): the part of the
	 * organization the channel or person belongs to (`unit`: a team channel or a team's member
	 * is the team, a department's the department, anything else the organization) must be one
	 * the actor manages, as for the dashboard. Everyone may export their own messages.
	 */
	exportMessages: (actor: Actor, unit: DashboardScopeRef, personId: string | null = null) =>
		sameOrg(actor, unit) && isActive(actor) && (personId === actor.id || managesUnit(actor, unit))
} as const;

/** A part of the organization a dashboard covers (`departmentId`: a team's department). */
export type DashboardScopeRef =
	| { kind: 'org'; orgId: string }
	| { kind: 'department'; orgId: string; id: string }
	| { kind: 'team'; orgId: string; id: string; departmentId: string };

export type PolicyAction = keyof typeof policy;

export const channelKinds = [
	'announcements',
	'department',
	'team',
	'project',
	'private',
	'dm',
	'breakout'
] as const;
export type ChannelKind = (typeof channelKinds)[number];
export type PostPolicy = 'members' | 'moderators';

export interface ChannelRef {
	id: string;
	orgId: string;
	kind: ChannelKind;
	/** The department of a department channel, or of a team channel's team. */
	departmentId: string | null;
	teamId: string | null;
	postPolicy: PostPolicy;
	archived: boolean;
	/** Project rooms and breakout rooms become read-only once this moment (ms) has passed. */
	endsAt: number | null;
	createdBy: string | null;
}

export interface ChannelAccess {
	read: boolean;
	/** Write messages (and edit or delete one's own). */
	post: boolean;
	/** React and mark as read: everyone who reads a live channel. */
	react: boolean;
	/** Delete other people's messages. */
	moderate: boolean;
	/** Change name, topic, who may post, members. */
	manage: boolean;
}

const noAccess: ChannelAccess = {
	read: false,
	post: false,
	react: false,
	moderate: false,
	manage: false
};

/** Whether the org structure (not an invitation) makes the actor a member of the channel. */
function structuralMember(actor: Actor, channel: ChannelRef): boolean {
	switch (channel.kind) {
		case 'announcements':
			return true;
		case 'department':
			return channel.departmentId !== null && actor.departmentId === channel.departmentId;
		case 'team':
			return channel.teamId !== null && actor.teamId === channel.teamId;
		default:
			return false;
	}
}

function channelModerator(actor: Actor, channel: ChannelRef, explicitMember: boolean): boolean {
	switch (channel.kind) {
		case 'announcements':
			return isSuperAdmin(actor);
		case 'department':
			return isSuperAdmin(actor) || headsDepartment(actor, channel.departmentId);
		case 'team':
			return (
				isSuperAdmin(actor) ||
				headsDepartment(actor, channel.departmentId) ||
				managesTeam(actor, channel.teamId)
			);
		case 'project':
		case 'private':
			// Invitation-only rooms: only their members moderate, never an outsider by rank.
			return explicitMember && (channel.createdBy === actor.id || isSuperAdmin(actor));
		case 'dm':
			return false;
		case 'breakout':
			// Its creator runs it (extends, ends, deletes others' messages) from inside; a
			// moderator of the parent channel extends or ends it from outside (breakoutPolicy).
			return explicitMember && channel.createdBy === actor.id;
	}
}

/**
 * What a person may do in a channel. `explicitMember` is their invitation to a project room,
 * private group or direct conversation; the other kinds follow the org structure.
 */
export function channelAccess(
	actor: Actor,
	channel: ChannelRef,
	explicitMember: boolean,
	now: number = Date.now()
): ChannelAccess {
	if (!isActive(actor) || actor.orgId !== channel.orgId) return noAccess;
	const moderate = channelModerator(actor, channel, explicitMember);
	const invited = ['project', 'private', 'dm', 'breakout'].includes(channel.kind) && explicitMember;
	const read = invited || structuralMember(actor, channel) || moderate;
	if (!read) return noAccess;
	const ended = channel.archived || (channel.endsAt !== null && now >= channel.endsAt);
	const announcer =
		channel.kind === 'announcements' &&
		(actor.role === 'super_admin' || actor.role === 'department_head');
	const mayPost =
		channel.kind === 'announcements' ? announcer : channel.postPolicy === 'members' || moderate;
	const manage =
		channel.kind === 'dm' || channel.kind === 'breakout'
			? false
			: channel.kind === 'announcements'
				? isSuperAdmin(actor)
				: moderate;
	return { read, post: !ended && mayPost, react: !ended, moderate: moderate && !ended, manage };
}

export const channelPolicy = {
	createProjectRoom: (actor: Actor) => isActive(actor) && actor.role !== 'team_member',
	createPrivateGroup: (actor: Actor) => isActive(actor),
	startDirectMessage: (actor: Actor) => isActive(actor)
} as const;

/**
 * Breakout rooms (src/lib/server/breakouts/): timed side rooms of a channel. `parent` is what the
 * actor may do in the parent channel.
 */
export const breakoutPolicy = {
	/** Anyone who may post in a channel may open breakouts from it. */
	create: (actor: Actor, parent: ChannelAccess) => isActive(actor) && parent.post,
	/** Extending or ending early: the room's creator, or a moderator of the parent channel. */
	control: (actor: Actor, breakout: { createdBy: string | null }, parent: ChannelAccess) =>
		isActive(actor) && (breakout.createdBy === actor.id || parent.moderate)
} as const;

/**
 * Emergency broadcasts (src/lib/server/broadcasts/): a Super Admin to the organization or any
 * department, a Department Head to their own department; following the acknowledgements: the
 * sender, or a Super Admin.
 */
export const broadcastPolicy = {
	/** Whether the person sends broadcasts at all (to some scope). */
	sendAny: (actor: Actor) =>
		isActive(actor) && (actor.role === 'super_admin' || actor.role === 'department_head'),
	send: (actor: Actor, scope: { departmentId: string | null }) =>
		isActive(actor) &&
		(actor.role === 'super_admin' ||
			(actor.role === 'department_head' &&
				scope.departmentId !== null &&
				scope.departmentId === actor.departmentId)),
	follow: (actor: Actor, broadcast: { senderId: string; orgId: string }) =>
		isActive(actor) &&
		broadcast.orgId === actor.orgId &&
		(broadcast.senderId === actor.id || actor.role === 'super_admin')
} as const;

/**
 * Approval workflows (src/lib/server/approvals/): who may ask for what would otherwise be refused,
 * and who decides. A request is decided by the person it was routed to (`approverId`; null: the
 * organization's Super Admins), or by any Super Admin of the organization (when that person is
 * away), never by the person who asked.
 */
export const approvalPolicy = {
	/** Those who may not create a project room ask for one. */
	askProjectRoom: (actor: Actor) => isActive(actor) && !channelPolicy.createProjectRoom(actor),
	/** Those who read Official Announcements but may not post there ask to post. */
	askAnnouncement: (actor: Actor, announcements: ChannelAccess) =>
		isActive(actor) && announcements.read && !announcements.post,
	/** Why the actor may not decide the request, or null when they may. */
	decideRefusal: (
		actor: Actor,
		request: { orgId: string; requesterId: string; approverId: string | null }
	): 'OWN_REQUEST' | 'NOT_APPROVER' | null => {
		if (request.requesterId === actor.id) return 'OWN_REQUEST';
		if (!isActive(actor) || !sameOrg(actor, request)) return 'NOT_APPROVER';
		if (isSuperAdmin(actor)) return null;
		return request.approverId === actor.id ? null : 'NOT_APPROVER';
	}
} as const;

/**
 * Retention and legal hold (src/lib/server/retention/): the organization's rule and legal holds
 * are a Super Admin's; a channel's own rule is set by those who manage the channel.
 */
export const retentionPolicy = {
	setOrgRule: (actor: Actor, org: { id: string }) => isSuperAdmin(actor) && actor.orgId === org.id,
	setChannelRule: (access: ChannelAccess) => access.manage,
	manageHolds: (actor: Actor, org: { id: string }) => isSuperAdmin(actor) && actor.orgId === org.id
} as const;
