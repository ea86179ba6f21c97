import type { AppContext } from '#server/app-context.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import { loadChat } from './load-chat.ts';
import {
	demoAdmin,
	demoEmail,
	demoOrganization,
	demoPassword,
	demoPeople,
	demoStructure
} from './people.ts';

const client = { userAgent: 'ConnectFlow demo loader', ip: '127.0.0.1' };

export interface DemoResult {
	created: boolean;
	messages: number;
	signIns: { role: string; name: string; email: string }[];
}

/**
 * Loads Northwind Labs through the same services the app uses (so every step is validated and
 * audited). Loading twice changes nothing: an existing demo organization is left as it is.
 */
export async function loadDemo(ctx: AppContext): Promise<DemoResult> {
	const adminEmail = demoEmail(demoAdmin.name);
	const existing = await ctx.database.sql`select 1 from users where lower(email) = ${adminEmail}`;
	const messages = existing.length === 0 ? await createDemo(ctx) : 0;
	return { created: existing.length === 0, messages, signIns: signInsByRole() };
}

async function createDemo(ctx: AppContext): Promise<number> {
	const { user: admin } = await ctx.auth.createOrganization(
		{
			organizationName: demoOrganization,
			name: demoAdmin.name,
			email: demoEmail(demoAdmin.name),
			password: demoPassword,
			title: demoAdmin.title
		},
		client
	);
	const departments = new Map<string, string>();
	const teams = new Map<string, string>();
	for (const [departmentName, teamNames] of Object.entries(demoStructure)) {
		const department = await ctx.org.createDepartment(admin, { name: departmentName });
		departments.set(departmentName, department.id);
		for (const teamName of teamNames) {
			const team = await ctx.org.createTeam(admin, { name: teamName, departmentId: department.id });
			teams.set(`${departmentName}/${teamName}`, team.id);
		}
	}
	const { joinCode } = await ctx.org.getJoinCode(admin);
	const placed: SessionUser[] = [];
	for (const person of demoPeople) {
		const joined = await ctx.auth.register(
			{
				joinCode,
				name: person.name,
				email: demoEmail(person.name),
				password: demoPassword,
				title: person.title
			},
			client
		);
		if ('pendingApproval' in joined)
			throw new Error('The demo organization must not require approval');
		await place(ctx, admin, joined.user, person, departments, teams);
		const refreshed = await ctx.auth.validateToken(joined.token);
		placed.push(refreshed!.user);
	}
	const messages = await loadChat(ctx, admin, placed);
	await ctx.database.sql`delete from sessions where user_agent = ${client.userAgent}`;
	return messages;
}

async function place(
	ctx: AppContext,
	admin: SessionUser,
	user: SessionUser,
	person: (typeof demoPeople)[number],
	departments: Map<string, string>,
	teams: Map<string, string>
) {
	const teamId = person.team ? teams.get(`${person.department}/${person.team}`) : undefined;
	const departmentId = person.department ? departments.get(person.department) : undefined;
	await ctx.people.assign(admin, user.id, {
		role: person.role,
		...(teamId ? { teamId } : departmentId ? { departmentId } : {})
	});
}

function signInsByRole() {
	const pick = (role: string) => {
		const person = role === 'super_admin' ? demoAdmin : demoPeople.find((p) => p.role === role)!;
		return { role, name: person.name, email: demoEmail(person.name) };
	};
	return ['super_admin', 'department_head', 'team_manager', 'team_member'].map(pick);
}
