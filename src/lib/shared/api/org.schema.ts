import { z } from 'zod';
import { roles, userStatuses } from '../roles.ts';
import { singleLineText } from '../text.ts';

/** A department's or team's name; `empty` says which one is missing. */
const unitName = (empty: string) => singleLineText().trim().min(1, empty).max(80);
export const departmentNameSchema = unitName('Enter a name for the department.');
export const teamNameSchema = unitName('Enter a name for the team.');

export const createDepartmentSchema = z.object({ name: departmentNameSchema });
export const updateDepartmentSchema = z
	.object({ name: departmentNameSchema.optional(), archived: z.boolean().optional() })
	.refine((value) => Object.keys(value).length > 0, 'Nothing to change.');

export const createTeamSchema = z.object({
	name: teamNameSchema,
	departmentId: z.uuid('Choose a department.')
});
export const updateTeamSchema = z
	.object({
		name: teamNameSchema.optional(),
		departmentId: z.uuid().optional(),
		archived: z.boolean().optional()
	})
	.refine((value) => Object.keys(value).length > 0, 'Nothing to change.');

export const updateJoinCodeSchema = z
	.object({ enabled: z.boolean().optional(), requireApproval: z.boolean().optional() })
	.refine((value) => Object.keys(value).length > 0, 'Nothing to change.');

export const assignPersonSchema = z
	.object({
		teamId: z.uuid().nullable().optional(),
		departmentId: z.uuid().nullable().optional(),
		role: z.enum(roles).optional(),
		title: singleLineText().trim().max(100).optional()
	})
	.refine((value) => Object.keys(value).length > 0, 'Nothing to change.');

export const departmentSchema = z.object({
	id: z.uuid(),
	name: z.string(),
	archived: z.boolean(),
	createdAt: z.string()
});
export const teamSchema = z.object({
	id: z.uuid(),
	departmentId: z.uuid(),
	name: z.string(),
	archived: z.boolean(),
	createdAt: z.string()
});
export const joinCodeSchema = z.object({
	joinCode: z.string(),
	enabled: z.boolean(),
	requireApproval: z.boolean()
});

/** Who a person is in their organization: what the directory lists and a session carries. */
export const personFields = {
	id: z.uuid(),
	email: z.string(),
	name: z.string(),
	title: z.string(),
	role: z.enum(roles),
	status: z.enum(userStatuses),
	departmentId: z.uuid().nullable(),
	teamId: z.uuid().nullable()
};

export const personSchema = z.object({
	...personFields,
	departmentName: z.string().nullable(),
	teamName: z.string().nullable()
});

/**
 * One person's card: who they are and who they report to. The manager is their team's manager
 * (for a team member), else their department's head (for a team manager or someone placed in a
 * department without a team); heads of departments and Super Admins have none.
 */
export const profileSchema = personSchema.extend({
	manager: personSchema.nullable()
});

export const directoryQuerySchema = z.object({
	q: singleLineText().trim().max(100).optional(),
	limit: z.coerce.number().int().min(1).max(200).default(50),
	offset: z.coerce.number().int().min(0).default(0),
	includeInactive: z
		.enum(['true', 'false'])
		.optional()
		.transform((value) => value === 'true')
});

export const directoryPageSchema = z.object({
	people: z.array(personSchema),
	total: z.number().int()
});

export const orgChartSchema = z.object({
	organization: z.object({ id: z.uuid(), name: z.string() }),
	superAdmins: z.array(personSchema),
	departments: z.array(
		departmentSchema.extend({
			heads: z.array(personSchema),
			members: z.array(personSchema),
			teams: z.array(
				teamSchema.extend({ managers: z.array(personSchema), members: z.array(personSchema) })
			)
		})
	),
	unassigned: z.array(personSchema)
});

export const auditEntrySchema = z.object({
	id: z.number().int(),
	actorId: z.uuid().nullable(),
	actorName: z.string().nullable(),
	action: z.string(),
	targetType: z.string(),
	targetId: z.string().nullable(),
	before: z.unknown().optional(),
	after: z.unknown().optional(),
	createdAt: z.string()
});
export const auditPageSchema = z.object({ entries: z.array(auditEntrySchema) });
export const auditQuerySchema = z.object({
	limit: z.coerce.number().int().min(1).max(200).default(50),
	before: z.coerce.number().int().positive().optional()
});

export type Department = z.infer<typeof departmentSchema>;
export type Team = z.infer<typeof teamSchema>;
export type Person = z.infer<typeof personSchema>;
export type Profile = z.infer<typeof profileSchema>;
export type OrgChart = z.infer<typeof orgChartSchema>;
export type JoinCode = z.infer<typeof joinCodeSchema>;
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type CreateDepartmentInput = z.output<typeof createDepartmentSchema>;
export type UpdateDepartmentInput = z.output<typeof updateDepartmentSchema>;
export type CreateTeamInput = z.output<typeof createTeamSchema>;
export type UpdateTeamInput = z.output<typeof updateTeamSchema>;
export type UpdateJoinCodeInput = z.output<typeof updateJoinCodeSchema>;
export type AssignPersonInput = z.output<typeof assignPersonSchema>;
export type DirectoryQuery = z.output<typeof directoryQuerySchema>;
export type AuditQuery = z.output<typeof auditQuerySchema>;
