import { loadConfig } from '../config.ts';
import { createAppContext, type AppContext } from '../app-context.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
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
}

const client = {
	userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0 Safari/537.36',
	ip: '127.0.0.1'
};
let counter = 0;

/** `database`, when given, is used instead of a fresh one (e.g. one reached through a proxy). */
export async function createTestApp(kind: DatabaseKind, given?: TestDatabase): Promise<TestApp> {
	const database = given ?? (await createTestDatabase(kind));
	const context = createAppContext(loadConfig({ DATA_DIR: '/tmp/connectflow-test' }), database);
	const uniqueEmail = (name: string) =>
		`${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${Date.now()}.${++counter}@example.test`;
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
		async join(joinCode, name) {
			const result = await context.auth.register(
				{ joinCode, name, email: uniqueEmail(name), password: 'correct horse battery', title: '' },
				client
			);
			if ('pendingApproval' in result) throw new Error('Registration is waiting for approval');
			return { user: result.user, token: result.token };
		}
	};
}

export const testClient = client;
