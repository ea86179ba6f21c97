import { expect, test, type APIRequestContext, type APIResponse } from './support/test.ts';

/**
 * Bad input of every kind gets a clear JSON error with a stable code, and changes nothing.
 * Runs against the built server over real HTTP.
 */
const password = 'correct horse battery';
const unique = () => `${Date.now()}.${Math.random().toString(36).slice(2, 8)}`;

async function expectError(response: APIResponse, status: number, code: string) {
	expect(response.status(), await response.text()).toBe(status);
	const body = await response.json();
	expect(body.error.code).toBe(code);
	expect(typeof body.error.message).toBe('string');
	expect(body.error.message.length).toBeGreaterThan(5);
}

async function createOrganization(request: APIRequestContext) {
	const email = `admin.${unique()}@example.test`;
	const response = await request.post('/api/organizations', {
		data: { organizationName: 'Bad Input Inc', name: 'Ada Admin', email, password }
	});
	expect(response.status()).toBe(201);
	const code = await (await request.get('/api/join-code')).json();
	return { email, joinCode: code.joinCode as string };
}

test.describe('the API refuses bad input', () => {
	test('registration: unknown code, disabled code, taken email, weak password', async ({
		playwright,
		baseURL
	}) => {
		const admin = await playwright.request.newContext({ baseURL });
		const { email, joinCode } = await createOrganization(admin);
		const guest = await playwright.request.newContext({ baseURL });
		const register = (data: Record<string, unknown>) => guest.post('/api/auth/register', { data });
		const person = { name: 'New Person', email: `new.${unique()}@example.test`, password };

		await expectError(
			await register({ ...person, joinCode: 'NOPE-NOPE' }),
			400,
			'JOIN_CODE_INVALID'
		);
		await expectError(await register({ ...person, joinCode, email }), 409, 'EMAIL_TAKEN');
		await expectError(
			await register({ ...person, joinCode, password: 'short' }),
			422,
			'VALIDATION_FAILED'
		);
		await expectError(
			await register({ ...person, joinCode, password: 'aaaaaaaaaaaa' }),
			422,
			'VALIDATION_FAILED'
		);
		await expectError(
			await register({ ...person, joinCode, email: 'not-an-email' }),
			422,
			'VALIDATION_FAILED'
		);
		expect((await admin.patch('/api/join-code', { data: { enabled: false } })).ok()).toBe(true);
		await expectError(await register({ ...person, joinCode }), 400, 'JOIN_CODE_INVALID');

		const directory = await (await admin.get('/api/people')).json();
		expect(directory.total).toBe(1);
		await admin.dispose();
		await guest.dispose();
	});

	test('sign-in: a wrong password answers exactly like an unknown email', async ({ request }) => {
		const owner = await createOrganization(request);
		const wrong = await request.post('/api/auth/sign-in', {
			data: { email: owner.email, password: 'wrong password!' }
		});
		const unknown = await request.post('/api/auth/sign-in', {
			data: { email: `ghost.${unique()}@example.test`, password: 'wrong password!' }
		});
		await expectError(wrong, 401, 'INVALID_CREDENTIALS');
		await expectError(unknown, 401, 'INVALID_CREDENTIALS');
		expect((await wrong.json()).error.message).toBe((await unknown.json()).error.message);
	});

	test('forged, ended and missing session cookies are refused', async ({ playwright, baseURL }) => {
		const anonymous = await playwright.request.newContext({ baseURL });
		await expectError(await anonymous.get('/api/me'), 401, 'UNAUTHENTICATED');
		const forged = await playwright.request.newContext({
			baseURL,
			extraHTTPHeaders: { cookie: 'cf_session=abcdefghijklmnopqrstuvwxyz234567' }
		});
		await expectError(await forged.get('/api/me'), 401, 'UNAUTHENTICATED');
		const garbage = await playwright.request.newContext({
			baseURL,
			extraHTTPHeaders: { cookie: 'cf_session=%00%ff<script>' }
		});
		await expectError(await garbage.get('/api/me'), 401, 'UNAUTHENTICATED');

		const user = await playwright.request.newContext({ baseURL });
		await createOrganization(user);
		const state = await user.storageState();
		const token = state.cookies.find((c) => c.name === 'cf_session')!.value;
		expect((await user.post('/api/auth/sign-out')).ok()).toBe(true);
		const replay = await playwright.request.newContext({
			baseURL,
			extraHTTPHeaders: { cookie: `cf_session=${token}` }
		});
		await expectError(await replay.get('/api/me'), 401, 'UNAUTHENTICATED');
		for (const context of [anonymous, forged, garbage, user, replay]) await context.dispose();
	});

	/** A body sent as it is, with the content type given, not as JSON made from an object. */
	const raw = (contentType: string, body: string) => ({
		headers: { 'content-type': contentType },
		data: Buffer.from(body)
	});
	const departments = '/api/departments';
	const nobody = '00000000-0000-4000-8000-000000000000';
	type Send = (request: APIRequestContext) => Promise<APIResponse>;
	/** One bad request each, with the status and code it must get back. */
	const badRequests: [number, string, Send][] = [
		[400, 'MALFORMED_JSON', (r) => r.post(departments, raw('application/json', '{"name": '))],
		[400, 'BAD_REQUEST', (r) => r.post(departments, raw('text/plain', '{"name":"Sneaky"}'))],
		[413, 'PAYLOAD_TOO_LARGE', (r) => r.post(departments, { data: { name: 'x'.repeat(200_000) } })],
		[
			403,
			'FORBIDDEN',
			(r) =>
				r.post(departments, {
					headers: { origin: 'https://evil.example' },
					data: { name: 'Forged' }
				})
		],
		[422, 'VALIDATION_FAILED', (r) => r.post(departments, { data: { name: '' } })],
		[422, 'VALIDATION_FAILED', (r) => r.post(departments, { data: [1, 2, 3] })],
		[404, 'NOT_FOUND', (r) => r.patch('/api/teams/not-a-uuid', { data: { name: 'x' } })],
		[400, 'INVALID_TEXT', (r) => r.post(departments, { data: { name: 'Null\u0000Byte' } })],
		[400, 'INVALID_TEXT', (r) => r.get('/api/people?q=%00')],
		[404, 'NOT_FOUND', (r) => r.patch(`/api/teams/${nobody}`, { data: { name: 'x' } })],
		[422, 'VALIDATION_FAILED', (r) => r.get('/api/people?limit=100000')],
		[400, 'BAD_REQUEST', (r) => r.put('/api/people')],
		[404, 'NOT_FOUND', (r) => r.get('/api/does-not-exist')]
	];

	test('malformed JSON, wrong content type, oversized bodies and bad ids', async ({ request }) => {
		await createOrganization(request);
		for (const [status, code, send] of badRequests) {
			await expectError(await send(request), status, code);
		}
		const structure = await (await request.get('/api/structure')).json();
		expect(structure.departments).toEqual([]);
	});

	test('a Team Manager cannot edit another team, and nothing changes', async ({
		playwright,
		baseURL
	}) => {
		const admin = await playwright.request.newContext({ baseURL });
		const { joinCode } = await createOrganization(admin);
		const department = await (
			await admin.post('/api/departments', { data: { name: 'Engineering' } })
		).json();
		const mine = await (
			await admin.post('/api/teams', { data: { name: 'Platform', departmentId: department.id } })
		).json();
		const theirs = await (
			await admin.post('/api/teams', { data: { name: 'Mobile', departmentId: department.id } })
		).json();
		const manager = await playwright.request.newContext({ baseURL });
		const joined = await (
			await manager.post('/api/auth/register', {
				data: { joinCode, name: 'Manny Manager', email: `manny.${unique()}@example.test`, password }
			})
		).json();
		expect(
			(
				await admin.patch(`/api/people/${joined.user.id}`, {
					data: { teamId: mine.id, role: 'team_manager' }
				})
			).ok()
		).toBe(true);

		await expectError(
			await manager.patch(`/api/teams/${theirs.id}`, { data: { name: 'Hijacked' } }),
			403,
			'FORBIDDEN'
		);
		await expectError(
			await manager.post('/api/departments', { data: { name: 'Shadow' } }),
			403,
			'FORBIDDEN'
		);
		await expectError(await manager.get('/api/audit'), 403, 'FORBIDDEN');
		expect(
			(await manager.patch(`/api/teams/${mine.id}`, { data: { name: 'Platform Core' } })).ok()
		).toBe(true);
		const structure = await (await admin.get('/api/structure')).json();
		expect(structure.teams.map((t: { name: string }) => t.name).sort()).toEqual([
			'Mobile',
			'Platform Core'
		]);
		await admin.dispose();
		await manager.dispose();
	});

	test('a deactivated person’s old cookie stops working at once', async ({
		playwright,
		baseURL
	}) => {
		const admin = await playwright.request.newContext({ baseURL });
		const { joinCode } = await createOrganization(admin);
		const person = await playwright.request.newContext({ baseURL });
		const email = `leaver.${unique()}@example.test`;
		const joined = await (
			await person.post('/api/auth/register', {
				data: { joinCode, name: 'Leaver', email, password }
			})
		).json();
		expect((await person.get('/api/me')).ok()).toBe(true);
		expect((await admin.post(`/api/people/${joined.user.id}/deactivate`)).ok()).toBe(true);
		await expectError(await person.get('/api/me'), 401, 'UNAUTHENTICATED');
		await expectError(
			await person.post('/api/auth/sign-in', { data: { email, password } }),
			403,
			'ACCOUNT_DEACTIVATED'
		);
		await admin.dispose();
		await person.dispose();
	});

	test('sign-in attempts are rate limited with a Retry-After', async ({ request }) => {
		const { email } = await createOrganization(request);
		for (let i = 0; i < 5; i++) {
			await expectError(
				await request.post('/api/auth/sign-in', { data: { email, password: 'wrong password!' } }),
				401,
				'INVALID_CREDENTIALS'
			);
		}
		const limited = await request.post('/api/auth/sign-in', { data: { email, password } });
		await expectError(limited, 429, 'RATE_LIMITED');
		expect(Number(limited.headers()['retry-after'])).toBeGreaterThan(0);
	});

	test('the OpenAPI document describes every operation with its schemas', async ({ request }) => {
		const document = await (await request.get('/api/openapi.json')).json();
		expect(document.openapi).toBe('3.0.3');
		const register = document.paths['/api/auth/register'].post;
		expect(register.requestBody.content['application/json'].schema.required).toEqual(
			expect.arrayContaining(['joinCode', 'name', 'email', 'password'])
		);
		expect(Object.keys(document.paths).length).toBeGreaterThanOrEqual(18);
	});
});
