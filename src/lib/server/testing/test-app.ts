import { loadConfig } from '../config.ts';
import { createAppContext, type AppContext } from '../app-context.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { Team } from '#shared/api/org.schema.ts';
import type { FileStorage } from '../storage/storage.ts';
import { openForSuite } from './suite.ts';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './test-database.ts';

/** A person with a session, as the test app registers them. */
export interface SignedInPerson {
	user: SessionUser;
	token: string;
}

export interface TestApp extends AppContext {
	/** Creates an organization; returns its Super Admin, their session token and the join code. */
	createOrganization(
		name?: string
	): Promise<{ admin: SessionUser; token: string; joinCode: string }>;
	/** Registers a person with the join code; returns them and their session token. */
	join(joinCode: string, name: string): Promise<SignedInPerson>;
	/** Creates a department and a team in it, as the organization's admin; returns the team. */
	createTeam(admin: SessionUser, team: string, department: string): Promise<Team>;
	/** Registers people with the organization's join code and places them in the team. */
	joinTeam<const Names extends readonly string[]>(
		org: { admin: SessionUser; joinCode: string },
		teamId: string,
		names: Names
	): Promise<{ [K in keyof Names]: SignedInPerson }>;
}

const client = {
	userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0 Safari/537.36',
	ip: '127.0.0.1'
};
let counter = 0;

/**
 * `database`, when given, is used instead of a fresh one (e.g. one reached through a proxy);
 * `storage`, instead of the local folder (e.g. an S3 server); `env`, settings as the
 * environment would give them (e.g. SMTP_URL).
 */
export async function createTestApp(
	kind: DatabaseKind,
	given?: TestDatabase,
	options: { storage?: FileStorage; env?: Record<string, string> } = {}
): Promise<TestApp> {
	const database = given ?? (await createTestDatabase(kind));
	const context = createAppContext(
		loadConfig({ DATA_DIR: '/tmp/connectflow-test', ...options.env }),
		database,
		options.storage
	);
	const uniqueEmail = (name: string) =>
		`${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${Date.now()}.${++counter}@example.test`;
	const join = async (joinCode: string, name: string): Promise<SignedInPerson> => {
		const result = await context.auth.register(
			{ joinCode, name, email: uniqueEmail(name), password: 'correct horse battery', title: '' },
			client
		);
		if ('pendingApproval' in result) throw new Error('Registration is waiting for approval');
		return { user: result.user, token: result.token };
	};
	return {
		...context,
		async createOrganization(name = 'Acme Corp') {
			const issued = await context.auth.createOrganization(
				{
					organizationName: name,
					name: 'Ada Admin',
					email: uniqueEmail('ada'),
					password: 'correct horse battery',
					title: 'Founder'
				},
				client
			);
			const code = await context.org.getJoinCode(issued.user);
			return { admin: issued.user, token: issued.token, joinCode: code.joinCode };
		},
		join,
		async createTeam(admin, team, department) {
			const { id } = await context.org.createDepartment(admin, { name: department });
			return context.org.createTeam(admin, { name: team, departmentId: id });
		},
		async joinTeam(org, teamId, names) {
			const people: SignedInPerson[] = [];
			for (const name of names) {
				const person = await join(org.joinCode, name);
				await context.people.assign(org.admin, person.user.id, { teamId });
				people.push(person);
			}
			return people as { [K in keyof typeof names]: SignedInPerson };
		}
	};
}

/** The test app of the suite this is called in (see openForSuite). */
export function useTestApp(kind: DatabaseKind): TestApp {
	return openForSuite(() => createTestApp(kind));
}

export const testClient = client;
