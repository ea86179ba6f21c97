import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '$lib/shared/api/org.schema.ts';
import {
	actionLabel,
	actionTone,
	auditChanges,
	targetOf,
	type AuditNames
} from './audit-format.ts';

const names: AuditNames = {
	departments: { d1: 'Engineering', d2: 'Sales' },
	teams: { t1: 'Platform' },
	people: { p1: 'Ada Lovelace' }
};

function entry(partial: Partial<AuditEntry>): AuditEntry {
	return {
		id: 1,
		actorId: null,
		actorName: 'Ada',
		action: 'team.update',
		targetType: 'team',
		targetId: 't1',
		createdAt: '2025-01-01T00:00:00.000Z',
		...partial
	};
}

describe('audit formatting', () => {
	it('labels a rename and shows the name before and after', () => {
		const renamed = entry({
			before: { id: 't1', name: 'Core', departmentId: 'd1', archivedAt: null },
			after: { id: 't1', name: 'Platform', departmentId: 'd1', archivedAt: null }
		});
		expect(actionLabel(renamed)).toBe('Renamed team');
		expect(targetOf(renamed, names)).toEqual({ kind: 'Team', name: 'Platform' });
		expect(auditChanges(renamed, names)).toEqual([
			{ field: 'Name', before: 'Core', after: 'Platform' }
		]);
	});

	it('describes a move with department names', () => {
		const moved = entry({
			action: 'team.move',
			before: { name: 'Platform', departmentId: 'd1' },
			after: { name: 'Platform', departmentId: 'd2' }
		});
		expect(actionLabel(moved)).toBe('Moved team');
		expect(auditChanges(moved, names)).toEqual([
			{ field: 'Department', before: 'Engineering', after: 'Sales' }
		]);
	});

	it('describes role changes in words', () => {
		const promoted = entry({
			action: 'person.assign',
			targetType: 'person',
			targetId: 'p1',
			before: { name: 'Ada Lovelace', role: 'team_member', teamId: null, departmentId: null },
			after: { name: 'Ada Lovelace', role: 'team_manager', teamId: 't1', departmentId: 'd1' }
		});
		expect(actionLabel(promoted)).toBe('Changed role');
		expect(auditChanges(promoted, names)).toEqual([
			{ field: 'Role', before: 'Team Member', after: 'Team Manager' },
			{ field: 'Department', before: null, after: 'Engineering' },
			{ field: 'Team', before: null, after: 'Platform' }
		]);
	});

	it('lists the starting fields of something created, and tones actions', () => {
		const created = entry({
			action: 'department.create',
			targetType: 'department',
			targetId: 'd1',
			after: { id: 'd1', name: 'Engineering', archivedAt: null, createdAt: 'x' }
		});
		expect(actionLabel(created)).toBe('Created department');
		// the name is the target; nothing else to show
		expect(auditChanges(created, names)).toEqual([]);
		const team = entry({
			action: 'team.create',
			after: { id: 't1', name: 'Platform', departmentId: 'd1', archivedAt: null }
		});
		expect(auditChanges(team, names)).toEqual([
			{ field: 'Department', before: null, after: 'Engineering' }
		]);
		const joined = entry({
			action: 'person.register',
			targetType: 'person',
			after: { name: 'Ada', email: 'ada@example.com', status: 'pending' }
		});
		expect(actionLabel(joined)).toBe('Asked to join');
		expect(auditChanges(joined, names)).toEqual([
			{ field: 'Email', before: null, after: 'ada@example.com' },
			{ field: 'Status', before: null, after: 'Pending approval' }
		]);
		expect(actionTone(created)).toBe('create');
		expect(actionTone(entry({ action: 'person.deactivate' }))).toBe('remove');
	});

	it('names join code changes', () => {
		const disabled = entry({
			action: 'join_code.update',
			targetType: 'organization',
			before: { joinCode: 'ABC', enabled: true, requireApproval: false },
			after: { joinCode: 'ABC', enabled: false, requireApproval: false }
		});
		expect(actionLabel(disabled)).toBe('Disabled the join code');
		expect(targetOf(disabled, names).name).toBe('Join code');
		expect(auditChanges(disabled, names)).toEqual([
			{ field: 'Join code', before: 'Enabled', after: 'Disabled' }
		]);
	});
});
