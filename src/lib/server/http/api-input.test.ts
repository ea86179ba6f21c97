import { beforeAll, describe, expect, it } from 'vitest';
import { useServedApp } from '../testing/served-app.ts';
import { errorStatus, isErrorBody } from '#shared/errors.ts';
import { SESSION_COOKIE, sessionIdFromToken } from '../auth/session-token.ts';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import { databaseFingerprint } from '../testing/database-fingerprint.ts';
import {
	deepArray,
	deepObject,
	garbagePathValues,
	hostileNumbers,
	hostileQueryValues,
	hostileText,
	replaceAt,
	seededRandom,
	toJsonText,
	wellFormed,
	wrongTypes,
	type Place
} from '../testing/generated-input.ts';
import { apiContracts } from '#shared/api/catalog.ts';
import type { ApiContract as Endpoint } from '#shared/api/contract.ts';

/**
 * Every operation of the API catalogue, fed input generated from its own schemas with one place
 * made hostile at a time, as a signed-in Super Admin and anonymously: never a 5xx, every refusal
 * a JSON error with a stable code, and the database exactly as it was (sessions' last-seen time
 * aside). Requests go over real HTTP through SvelteKit (router, hooks, endpoints) as Vite's dev
 * server runs it in this process, against the test's own database.
 */
const apiCatalog: Endpoint[] = Object.values(apiContracts);
const SEED = 20_261_212;
const ANONYMOUS_SAMPLE = 0.1;
/**
 * One database: refusals happen before any query, and what does reach the database is the same
 * SQL on PGlite and Postgres (the service tests run on both). Real Postgres when there is one.
 */
const kind = (await availableDatabaseKinds()).at(-1)!;

interface Fixture {
	token: string;
	/** Ids of existing objects, so that a hostile field meets otherwise valid input. */
	ids: Record<'department' | 'team' | 'person' | 'channel' | 'session', string>;
}

interface Sent {
	label: string;
	status: number;
	body: unknown;
}

describe(`generated hostile input over the whole API (${kind})`, () => {
	const { app, server } = useServedApp(kind);
	let fixture: Fixture;

	beforeAll(async () => {
		const { admin, token, joinCode } = await app.createOrganization('Hostile Input Inc');
		const member = await app.join(joinCode, 'Mona Member');
		const department = await app.org.createDepartment(admin, { name: 'Engineering' });
		const team = await app.org.createTeam(admin, { name: 'Platform', departmentId: department.id });
		const channel = await app.channels.create(admin, {
			kind: 'private',
			name: 'Fixture room',
			topic: 'Where fixtures meet',
			memberIds: [member.user.id]
		});
		fixture = {
			token,
			ids: {
				department: department.id,
				team: team.id,
				person: member.user.id,
				channel: channel.id,
				session: sessionIdFromToken(token)
			}
		};
	});

	for (const who of ['Super Admin', 'anonymous'] as const) {
		it(`as ${who}: no 5xx, a stable error code, nothing changed (seed ${SEED})`, async () => {
			const random = seededRandom(SEED);
			const token = who === 'Super Admin' ? fixture.token : undefined;
			const failures: string[] = [];
			let sent = 0;
			for (const endpoint of apiCatalog) {
				const all = hostileRequests(endpoint, fixture, random);
				// Without a session every signed-in operation stops at the same check: a sample does.
				const requests =
					token || !endpoint.requiresUser ? all : all.filter(() => random() < ANONYMOUS_SAMPLE);
				if (requests.length === 0) continue;
				const before = await databaseFingerprint(app.database.sql);
				for (const request of requests) {
					const answer = await send(server.origin, request, token);
					sent++;
					const problem = judge(endpoint, answer);
					if (problem) failures.push(`${answer.label}: ${problem}`);
				}
				const after = await databaseFingerprint(app.database.sql);
				const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
				if (changed.length > 0) {
					failures.push(`${endpoint.method} ${endpoint.path} changed ${changed.join(', ')}`);
				}
			}
			expect(sent).toBeGreaterThan(token ? 1_000 : 100);
			expect(failures.slice(0, 40)).toEqual([]);
			// Some thousand requests, with the database's fingerprint taken around each operation's:
			// the time grows with the catalogue (90 operations and more).
		}, 180_000);
	}
});

/** What is wrong with an answer, or null. */
function judge(endpoint: Endpoint, answer: Sent): string | null {
	if (answer.status >= 500) return `answered ${answer.status} ${JSON.stringify(answer.body)}`;
	const reads = endpoint.method === 'GET';
	if (answer.status < 400) return reads ? null : `accepted with ${answer.status}`;
	if (!isErrorBody(answer.body)) return `answered ${answer.status} without an error body`;
	const { code } = answer.body.error;
	if (!(code in errorStatus)) return `answered the unknown code ${code}`;
	if (errorStatus[code] !== answer.status) return `answered ${code} with ${answer.status}`;
	return null;
}

interface HostileRequest {
	label: string;
	method: string;
	/** The path as sent, percent-encoded. */
	path: string;
	/** `?…` as sent, or ''. */
	search: string;
	/** JSON text of the body; undefined sends none. */
	body?: string;
}

/**
 * Path segments and query values spelled as a client may, beyond what encodeURIComponent makes.
 * Not here: malformed percent-escapes (`%zz`, `%ED%A0%80`, `%C0%80`) and URLs over 16 KB, which Node and
 * SvelteKit refuse (400, 431) before the app's hooks run.
 */
const rawPathSegments = ['%00', '%2F', '%2e%2e', '..', '.'];
const rawQueryValues = ['%00', '%E2%80%AE', '%EF%BF%BF'];

function hostileRequests(
	endpoint: Endpoint,
	fixture: Fixture,
	random: () => number
): HostileRequest[] {
	const uuidFor = (key: string) => {
		if (key === 'departmentId') return fixture.ids.department;
		if (key === 'teamId') return fixture.ids.team;
		if (key === 'id') return idInPath(endpoint.path, fixture);
		return fixture.ids.person;
	};
	const candidates = [
		'Ordinary Name',
		'correct horse battery',
		'someone.new@example.test',
		'2031-01-01T00:00:00.000Z',
		fixture.ids.session
	];
	const params = endpoint.params
		? (wellFormed(endpoint.params, uuidFor, candidates).value as Record<string, string>)
		: {};
	const query = endpoint.query ? wellFormed(endpoint.query, uuidFor, candidates) : undefined;
	const body = endpoint.body ? wellFormed(endpoint.body, uuidFor, candidates) : undefined;
	const baseQuery = Object.entries((query?.value ?? {}) as Record<string, unknown>).map(
		([key, value]) => [key, encodeURIComponent(String(value))] as const
	);
	const pathWith = (encoded: Record<string, string>) =>
		endpoint.path.replace(/\{(\w+)\}/g, (_match, key: string) => encoded[key]!);
	const encodedParams = Object.fromEntries(
		Object.entries(params).map(([key, value]) => [key, encodeURIComponent(value)])
	);
	const searchWith = (pairs: readonly (readonly [string, string])[]) =>
		pairs.length ? `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}` : '';
	const baseBody = body ? toJsonText(body.value) : undefined;
	const name = `${endpoint.method} ${endpoint.path}`;
	const requests: HostileRequest[] = [];
	const add = (label: string, change: Partial<HostileRequest>) =>
		requests.push({
			label: `${name} ${label}`,
			method: endpoint.method,
			path: pathWith(encodedParams),
			search: searchWith(baseQuery),
			body: baseBody,
			...change
		});

	for (const key of Object.keys(params)) {
		const segments = [
			...garbagePathValues(random, 4)
				.filter((garbage) => garbage !== '' && garbage.length < 16_000)
				.map((garbage) => encodeURIComponent(garbage.toWellFormed())),
			...rawPathSegments
		];
		for (const segment of segments) {
			add(`path ${key}=${preview(segment)}`, {
				path: pathWith({ ...encodedParams, [key]: segment })
			});
		}
	}
	for (const leaf of query?.leaves ?? []) {
		const key = String(leaf.place[0]);
		const others = baseQuery.filter(([other]) => other !== key);
		const values = [
			...hostileQueryValues.map((value) => encodeURIComponent(value.toWellFormed())),
			...rawQueryValues
		];
		for (const value of values) {
			add(`query ${key}=${preview(value)}`, { search: searchWith([...others, [key, value]]) });
		}
		add(`query ${key} twice`, { search: searchWith([...baseQuery, [key, '%00']]) });
	}
	if (query) {
		add('query with an unknown parameter', { search: searchWith([...baseQuery, ['x', '%00']]) });
	}
	if (body) {
		for (const leaf of body.leaves) {
			const mutants = [
				...(leaf.kind === 'text' ? hostileText : []),
				...(leaf.kind === 'number' ? hostileNumbers : []),
				...wrongTypes.filter((value) => !leaf.schema.safeParse(value).success)
			];
			for (const mutant of mutants) {
				add(`body ${placeName(leaf.place)}=${preview(mutant)}`, {
					body: toJsonText(replaceAt(body.value, leaf.place, mutant))
				});
			}
		}
		const whole: unknown[] = [null, [], {}, 'text', 42, true, deepArray, deepObject];
		for (const value of whole) add(`body=${preview(value)}`, { body: toJsonText(value) });
		add('body with an extra field', {
			body: toJsonText({ ...(body.value as object), isSuperAdmin: true })
		});
		add('body of 100,000 characters', { body: JSON.stringify('x'.repeat(100_000)) });
	}
	return requests;
}

/** The fixture object a path's `{id}` names. */
function idInPath(path: string, fixture: Fixture): string {
	if (path.startsWith('/api/departments')) return fixture.ids.department;
	if (path.startsWith('/api/teams')) return fixture.ids.team;
	if (path.startsWith('/api/channels')) return fixture.ids.channel;
	if (path.startsWith('/api/sessions')) return fixture.ids.session;
	return fixture.ids.person;
}

const placeName = (place: Place) => place.join('.') || '(root)';

function preview(value: unknown): string {
	const text = value instanceof Object && 'text' in value ? 'deep nesting' : JSON.stringify(value);
	return text === undefined
		? String(value)
		: text.length > 40
			? `${text.slice(0, 30)}…(${text.length})`
			: text;
}

async function send(origin: string, request: HostileRequest, token?: string): Promise<Sent> {
	const response = await fetch(`${origin}${request.path}${request.search}`, {
		method: request.method,
		headers: {
			...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
			...(token ? { cookie: `${SESSION_COOKIE}=${token}` } : {})
		},
		body: request.body
	});
	const text = await response.text();
	let body: unknown = text;
	try {
		body = JSON.parse(text);
	} catch {
		// Judged as "no error body".
	}
	return { label: request.label, status: response.status, body };
}
