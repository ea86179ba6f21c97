import { log } from './servers.ts';

/**
 * The product's HTTP API as the benchmark's setup uses it: every organization, person, team
 * and channel is created through the real endpoints, and every member holds the session cookie
 * the API gave them.
 */
export const SESSION_COOKIE = 'cf_session';
const PASSWORD = 'bench horse battery staple';

export interface Member {
	id: string;
	name: string;
	token: string;
}

export class ApiError extends Error {
	readonly status: number;
	constructor(status: number, message: string) {
		super(message);
		this.status = status;
	}
}

export async function api<T>(
	baseUrl: string,
	method: string,
	path: string,
	options: { token?: string; body?: unknown } = {}
): Promise<{ data: T; token: string | null; bytes: number }> {
	for (let attempt = 0; ; attempt++) {
		try {
			const response = await fetch(`${baseUrl}${path}`, {
				method,
				headers: {
					...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
					...(options.token ? { cookie: `${SESSION_COOKIE}=${options.token}` } : {}),
					'user-agent': 'ConnectFlow bench'
				},
				body: options.body !== undefined ? JSON.stringify(options.body) : undefined
			});
			const text = await response.text();
			if (!response.ok) throw new ApiError(response.status, `${method} ${path}: ${text}`);
			const cookie = response.headers
				.getSetCookie()
				.find((value) => value.startsWith(`${SESSION_COOKIE}=`));
			const token = cookie ? decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!) : null;
			return { data: JSON.parse(text) as T, token, bytes: Buffer.byteLength(text) };
		} catch (error) {
			// A busy server may reset a connection; API errors are answers, not retried.
			if (error instanceof ApiError || attempt >= 3) throw error;
			await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
		}
	}
}

/** Runs `work` over items with at most `limit` in flight. */
export async function pool<T, R>(
	items: T[],
	limit: number,
	work: (item: T, index: number) => Promise<R>
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(limit, items.length) }, async () => {
			while (next < items.length) {
				const index = next++;
				results[index] = await work(items[index]!, index);
			}
		})
	);
	return results;
}

export interface Organization {
	baseUrl: string;
	id: string;
	admin: Member;
	joinCode: string;
	unique: string;
}

export async function createOrganization(baseUrl: string): Promise<Organization> {
	const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
	const created = await api<{ user: { id: string; name: string; orgId: string } }>(
		baseUrl,
		'POST',
		'/api/organizations',
		{
			body: {
				organizationName: 'Bench Corp',
				name: 'Bench Admin',
				email: `admin.${unique}@bench.test`,
				password: PASSWORD,
				title: 'Founder'
			}
		}
	);
	const admin = { id: created.data.user.id, name: 'Bench Admin', token: created.token! };
	const code = await api<{ joinCode: string }>(baseUrl, 'GET', '/api/join-code', {
		token: admin.token
	});
	return { baseUrl, id: created.data.user.orgId, admin, joinCode: code.data.joinCode, unique };
}

/** Registers people with the join code (each registration answers with a session cookie). */
export async function registerMembers(
	org: Organization,
	count: number,
	offset: number
): Promise<Member[]> {
	const started = performance.now();
	const members = await pool(
		Array.from({ length: count }, (_, i) => offset + i),
		8,
		async (n) => {
			const name = `Member ${n + 1}`;
			const joined = await api<{ user: { id: string } }>(
				org.baseUrl,
				'POST',
				'/api/auth/register',
				{
					body: {
						joinCode: org.joinCode,
						name,
						email: `member${n + 1}.${org.unique}@bench.test`,
						password: PASSWORD,
						title: ''
					}
				}
			);
			if (!joined.token) throw new Error('registration gave no session cookie');
			return { id: joined.data.user.id, name, token: joined.token };
		}
	);
	log(
		`registered ${count} members through the API in ${((performance.now() - started) / 1000).toFixed(1)} s`
	);
	return members;
}

/** Departments and teams (each team gets its channel), and people placed in them. */
export async function createTeams(org: Organization, count: number, label: string) {
	const departments = await pool(
		Array.from({ length: Math.max(1, Math.ceil(count / 50)) }, (_, i) => i),
		4,
		async (i) =>
			(
				await api<{ id: string }>(org.baseUrl, 'POST', '/api/departments', {
					token: org.admin.token,
					body: { name: `${label} department ${i + 1}` }
				})
			).data.id
	);
	return pool(
		Array.from({ length: count }, (_, i) => i),
		8,
		async (i) =>
			(
				await api<{ id: string }>(org.baseUrl, 'POST', '/api/teams', {
					token: org.admin.token,
					body: {
						name: `${label} team ${i + 1}`,
						departmentId: departments[i % departments.length]
					}
				})
			).data.id
	);
}

export async function assignTeams(
	org: Organization,
	placements: { member: Member; teamId: string }[]
): Promise<void> {
	await pool(placements, 8, async ({ member, teamId }) => {
		await api(org.baseUrl, 'PATCH', `/api/people/${member.id}`, {
			token: org.admin.token,
			body: { teamId }
		});
	});
}

export interface ChannelSummary {
	id: string;
	kind: string;
	name: string;
	headShard: number;
	teamId: string | null;
}

/** A member's channels, as the app asks for them when it opens. */
export async function listChannels(baseUrl: string, member: Member) {
	return api<{ channels: ChannelSummary[] }>(baseUrl, 'GET', '/api/channels', {
		token: member.token
	});
}
