/** Turns raw audit entries into words: a human action label, the target, and what changed. */
import type { AuditEntry } from '$lib/shared/api/org.schema.ts';
import { roleLabels, type Role } from '$lib/shared/roles.ts';

export interface AuditNames {
	departments: Record<string, string>;
	teams: Record<string, string>;
	people: Record<string, string>;
}

export interface FieldChange {
	field: string;
	before: string | null;
	after: string | null;
}

export type ActionTone = 'create' | 'update' | 'remove' | 'restore' | 'access';

type Row = Record<string, unknown>;

const asRow = (value: unknown): Row | null =>
	typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Row) : null;

const differs = (before: Row | null, after: Row | null, key: string) =>
	before !== null && after !== null && JSON.stringify(before[key]) !== JSON.stringify(after[key]);

const statusLabels: Record<string, string> = {
	active: 'Active',
	pending: 'Pending approval',
	deactivated: 'Deactivated'
};

/** A short, past-tense description of what happened. */
export function actionLabel(entry: AuditEntry): string {
	const before = asRow(entry.before);
	const after = asRow(entry.after);
	const changed = (key: string) => differs(before, after, key);
	switch (entry.action) {
		case 'organization.create':
			return 'Created the organization';
		case 'person.register':
			return after?.status === 'pending' ? 'Asked to join' : 'Joined with the code';
		case 'department.create':
			return 'Created department';
		case 'department.update':
			return changed('name') ? 'Renamed department' : 'Updated department';
		case 'department.archive':
			return 'Archived department';
		case 'department.restore':
			return 'Restored department';
		case 'team.create':
			return 'Created team';
		case 'team.update':
			return changed('name') ? 'Renamed team' : 'Updated team';
		case 'team.move':
			return 'Moved team';
		case 'team.archive':
			return 'Archived team';
		case 'team.restore':
			return 'Restored team';
		case 'join_code.rotate':
			return 'Rotated the join code';
		case 'join_code.update':
			if (changed('enabled'))
				return after?.enabled ? 'Enabled the join code' : 'Disabled the join code';
			if (changed('requireApproval')) {
				return after?.requireApproval ? 'Turned on approval' : 'Turned off approval';
			}
			return 'Changed join code settings';
		case 'person.assign':
			if (changed('role')) return 'Changed role';
			if (changed('teamId') || changed('departmentId')) return 'Moved person';
			if (changed('title')) return 'Changed title';
			return 'Updated person';
		case 'person.deactivate':
			return 'Deactivated person';
		case 'person.reactivate':
			return 'Reactivated person';
		case 'person.approve':
			return 'Approved member';
		default: {
			const text = entry.action.replace(/[._]/g, ' ');
			return text.charAt(0).toUpperCase() + text.slice(1);
		}
	}
}

export function actionTone(entry: AuditEntry): ActionTone {
	const verb = entry.action.split('.').pop() ?? '';
	if (['create', 'register', 'approve'].includes(verb)) return 'create';
	if (['archive', 'deactivate'].includes(verb)) return 'remove';
	if (['restore', 'reactivate'].includes(verb)) return 'restore';
	if (entry.action.startsWith('join_code')) return 'access';
	return 'update';
}

const targetKinds: Record<string, string> = {
	organization: 'Organization',
	department: 'Department',
	team: 'Team',
	person: 'Person'
};

/** What the action was done to: its kind and its name (as it is now, when known). */
export function targetOf(entry: AuditEntry, names: AuditNames): { kind: string; name: string } {
	const after = asRow(entry.after);
	const before = asRow(entry.before);
	const recorded = (after?.name ?? before?.name) as string | undefined;
	const id = entry.targetId ?? '';
	const kind = targetKinds[entry.targetType] ?? entry.targetType;
	if (entry.action.startsWith('join_code')) return { kind: 'Organization', name: 'Join code' };
	const current =
		entry.targetType === 'department'
			? names.departments[id]
			: entry.targetType === 'team'
				? names.teams[id]
				: entry.targetType === 'person'
					? names.people[id]
					: undefined;
	return { kind, name: recorded ?? current ?? 'Unknown' };
}

interface FieldSpec {
	label: string;
	show: (value: unknown, names: AuditNames) => string | null;
}

const text = (value: unknown) =>
	value === null || value === undefined || value === '' ? null : String(value);

const fields: Record<string, FieldSpec> = {
	name: { label: 'Name', show: text },
	email: { label: 'Email', show: text },
	title: { label: 'Title', show: text },
	role: {
		label: 'Role',
		show: (value) => (typeof value === 'string' ? (roleLabels[value as Role] ?? value) : null)
	},
	status: {
		label: 'Status',
		show: (value) => (typeof value === 'string' ? (statusLabels[value] ?? value) : null)
	},
	departmentId: {
		label: 'Department',
		show: (value, names) =>
			typeof value === 'string' ? (names.departments[value] ?? 'Removed department') : null
	},
	teamId: {
		label: 'Team',
		show: (value, names) =>
			typeof value === 'string' ? (names.teams[value] ?? 'Removed team') : null
	},
	archivedAt: { label: 'Archived', show: (value) => (value ? 'Yes' : 'No') },
	joinCode: { label: 'Code', show: text },
	enabled: { label: 'Join code', show: (value) => (value ? 'Enabled' : 'Disabled') },
	requireApproval: { label: 'Approval', show: (value) => (value ? 'Required' : 'Not required') }
};

/** Fields whose value changed, in words; for creations, the fields the new thing started with. */
export function auditChanges(entry: AuditEntry, names: AuditNames): FieldChange[] {
	const before = asRow(entry.before);
	const after = asRow(entry.after);
	const changes: FieldChange[] = [];
	for (const [key, spec] of Object.entries(fields)) {
		if (before && after) {
			if (!differs(before, after, key)) continue;
			changes.push({
				field: spec.label,
				before: spec.show(before[key], names),
				after: spec.show(after[key], names)
			});
		} else if (after && key in after && !['archivedAt', 'name'].includes(key)) {
			// Something new: what it started with, leaving out its name (the target shows it) and
			// the ordinary "Active" status.
			if (key === 'status' && after[key] === 'active') continue;
			const shown = spec.show(after[key], names);
			if (shown !== null) changes.push({ field: spec.label, before: null, after: shown });
		}
	}
	return changes;
}
