import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, call, callWithHeaders } from './api.ts';
import * as channels from '../shared/api/channels.ts';
import * as people from '../shared/api/people.ts';
import * as auth from '../shared/api/auth.ts';

/** `call` sends what the contract says, where it says, and reads the answer or the error. */
const sent: { url: string; init: RequestInit }[] = [];

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
	vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
		sent.push({ url, init });
		return new Response(JSON.stringify(body), {
			status,
			headers: { 'content-type': 'application/json', ...headers }
		});
	});
}

afterEach(() => {
	sent.length = 0;
	vi.unstubAllGlobals();
});

describe('call', () => {
	it('fills the path parameters, sends the body as JSON and returns the answer', async () => {
		answer(200, { ok: true });
		const id = '00000000-0000-4000-8000-000000000001';
		const userId = 'a/b';
		expect(await call(channels.removeChannelMember, { params: { id, userId } })).toEqual({
			ok: true
		});
		expect(sent[0]!.url).toBe(`/api/channels/${id}/members/a%2Fb`);
		expect(sent[0]!.init.method).toBe('DELETE');
		expect(sent[0]!.init.body).toBeUndefined();

		await call(channels.openDm, { body: { memberIds: [id] } });
		expect(sent[1]!.url).toBe('/api/dms');
		expect(sent[1]!.init.method).toBe('POST');
		expect(JSON.parse(String(sent[1]!.init.body))).toEqual({ memberIds: [id] });
	});

	it('writes the defined query values', async () => {
		answer(200, { people: [], total: 0 });
		await call(people.directory, { query: { limit: 20, q: 'ada lovelace' } });
		await call(people.directory);
		expect(sent.map((request) => request.url)).toEqual([
			'/api/people?limit=20&q=ada+lovelace',
			'/api/people'
		]);
	});

	it('throws the server’s stable code, message and details', async () => {
		answer(422, {
			error: { code: 'VALIDATION_FAILED', message: 'name: Enter a name.', details: 1 }
		});
		const failure = await call(auth.me).catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(ApiError);
		expect(failure).toMatchObject({ code: 'VALIDATION_FAILED', status: 422, details: 1 });
	});

	it('says NETWORK when the server cannot be reached', async () => {
		vi.stubGlobal('fetch', async () => {
			throw new TypeError('Failed to fetch');
		});
		await expect(call(auth.me)).rejects.toMatchObject({ code: 'NETWORK', status: 0 });
	});

	it('hands the answer’s headers on when asked', async () => {
		answer(200, { channels: [] }, { 'x-connectflow-offline': '1' });
		const { value, headers } = await callWithHeaders(channels.listChannels);
		expect(value).toEqual({ channels: [] });
		expect(headers.get('x-connectflow-offline')).toBe('1');
	});

	it('types its input from the contract', () => {
		// Checked by the type checker (npm run check), never sent.
		const wrongCalls = () => [
			// @ts-expect-error -- a path parameter is required
			call(channels.channelDetail),
			// @ts-expect-error -- the body must match the schema
			call(channels.openDm, { body: { memberIds: 'everyone' } }),
			// @ts-expect-error -- an operation without a body takes none
			call(auth.me, { body: {} })
		];
		expect(wrongCalls).toBeTypeOf('function');
	});
});
