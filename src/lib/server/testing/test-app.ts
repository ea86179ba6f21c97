import { loadConfig } from '../config.ts';
import { createAppContext, type AppContext } from '../app-context.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { AssignPersonInput, Team } from '#shared/api/org.schema.ts';
import type { ChannelDetail, ChannelSummary } from '#shared/api/channels.schema.ts';
import type { ApprovalRequest } from '#shared/api/approvals.schema.ts';
import { beforeAll } from 'vitest';
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
	/** Creates a private group with no topic, as `creator`, with the people of `memberIds`. */
	createPrivateGroup(
		creator: SessionUser,
		name: string,
		memberIds: string[]
	): Promise<ChannelDetail>;
	/** The person as a new session of theirs sees them (after a placement changed them). */
	sessionUser(personId: string): Promise<SessionUser>;
	/** Registers a person with the join code, places them and returns them as `sessionUser`. */
	joinPlaced(
		org: { admin: SessionUser; joinCode: string },
		name: string,
		placement: AssignPersonInput
	): Promise<SessionUser>;
	/**
	 * Registers a person while the organization approves new members (the caller turned it on):
	 * returns their request to join, as the admin's inbox lists it.
	 */
	askToJoin(org: { admin: SessionUser; joinCode: string }, name: string): Promise<ApprovalRequest>;
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
	const sessionUser = async (personId: string): Promise<SessionUser> => {
		const { token } = await context.auth.issueSession(personId, { userAgent: '', ip: '' });
		return (await context.auth.validateToken(token))!.user;
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
		},
		createPrivateGroup: (creator, name, memberIds) =>
			context.channels.create(creator, { kind: 'private', name, topic: '', memberIds }),
		sessionUser,
		async joinPlaced(org, name, placement) {
			const { user } = await join(org.joinCode, name);
			await context.people.assign(org.admin, user.id, placement);
			return sessionUser(user.id);
		},
		async askToJoin(org, name) {
			const email = uniqueEmail(name);
			const result = await context.auth.register(
				{ joinCode: org.joinCode, name, email, password: 'correct horse battery', title: '' },
				client
			);
			if (!('pendingApproval' in result)) throw new Error('Registration was not held');
			const request = (await context.approvals.inbox(org.admin)).pending.find(
				(r) => r.kind === 'organization' && r.details.email === email
			);
			if (!request) throw new Error(`No request to join for ${name}`);
			return request;
		}
	};
}

/** The test app of the suite this is called in (see openForSuite). */
export function useTestApp(kind: DatabaseKind): TestApp {
	return openForSuite(() => createTestApp(kind));
}

export const testClient = client;

/** An organization with one team (in a department of its own) and people in it. */
export interface TeamOfPeople<Names extends readonly string[]> {
	/** The organization's Super Admin. */
	admin: SignedInPerson;
	joinCode: string;
	team: Team;
	/** The team's members, in the order of their names. */
	people: { [K in keyof Names]: SignedInPerson };
	/** The channels the admin sees once the team exists. */
	channels: ChannelSummary[];
	/** The id of the organization's first channel of that kind (and name). */
	channelId(kind: ChannelSummary['kind'], name?: string): string;
}

/**
 * The organization most suites start from, made before the suite's tests in the app `appOf` gives
 * then (opened by then, see openForSuite). As there, its objects (the admin, the team, each
 * person) are the same throughout, so a suite can name them from the start:
 * `const [alice, bob] = world.people`.
 */
export function useTeamOfPeople<const Names extends readonly string[]>(
	appOf: () => TestApp,
	organization: string,
	names: Names,
	placement: { team?: string; department?: string } = {}
): TeamOfPeople<Names> {
	const world: TeamOfPeople<Names> = {
		admin: {} as SignedInPerson,
		joinCode: '',
		team: {} as Team,
		people: names.map(() => ({}) as SignedInPerson) as TeamOfPeople<Names>['people'],
		channels: [],
		channelId(kind, name) {
			const found = world.channels.find((c) => c.kind === kind && (name ?? c.name) === c.name);
			if (!found) throw new Error(`No ${kind} channel ${name ?? ''} in ${organization}`);
			return found.id;
		}
	};
	beforeAll(async () => {
		const app = appOf();
		const org = await app.createOrganization(organization);
		Object.assign(world.admin, { user: org.admin, token: org.token });
		world.joinCode = org.joinCode;
		const { team = 'Platform', department = 'Engineering' } = placement;
		Object.assign(world.team, await app.createTeam(org.admin, team, department));
		const people = await app.joinTeam(org, world.team.id, names);
		people.forEach((person, index) => Object.assign(world.people[index]!, person));
		world.channels = await app.channels.list(org.admin);
	});
	return world;
}
