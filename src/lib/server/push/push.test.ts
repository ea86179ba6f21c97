import dns from 'node:dns/promises';
import https from 'node:https';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext, installAppContext, type AppContext } from '../app-context.ts';
import { SESSION_COOKIE } from '../auth/session-token.ts';
import { loadConfig } from '../config.ts';
import { isAppError } from '../errors.ts';
import { startDevServer, type DevServer } from '../testing/dev-server.ts';
import { createTestApp, type SignedInPerson, type TestApp } from '../testing/test-app.ts';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import { checkPushEndpoint, checkPushKeys, isPrivateAddress } from './endpoint-policy.ts';
import { notificationTag, pushTopic, type PushPayload } from './push.service.ts';
import { startPushReceiver, verifyVapid, type PushReceiver } from './testing/push-receiver.ts';

/**
 * Web Push end to end: the VAPID key kept in the database, subscriptions over real HTTP with
 * every kind of bad endpoint refused, and pushes sent with web-push to a local HTTPS push
 * receiver that checks the VAPID signature and decrypts each message with the subscription's
 * own keys, as a browser would. A 410 removes the subscription.
 */
const kind = (await availableDatabaseKinds()).at(-1)!;
const CONTACT = 'mailto:push-test@example.test';
const CHANNEL = '3f2a1b0c-4d5e-4f60-8a7b-9c0d1e2f3a4b';

describe(`web push (${kind})`, () => {
	let app: TestApp;
	/** The same database, with PUSH_ALLOW_PRIVATE_ENDPOINTS: the receiver is on 127.0.0.1. */
	let local: AppContext;
	let server: DevServer;
	let receiver: PushReceiver;
	let ada: SignedInPerson;
	let bruno: SignedInPerson;
	let trusted: unknown;

	beforeAll(async () => {
		app = await createTestApp(kind, undefined, { env: { PUSH_CONTACT: CONTACT } });
		local = createAppContext(
			loadConfig({
				DATA_DIR: '/tmp/connectflow-test',
				PUSH_CONTACT: CONTACT,
				PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true'
			}),
			app.database
		);
		installAppContext(app);
		server = await startDevServer();
		receiver = await startPushReceiver();
		// The receiver's self-signed certificate is trusted by this process's HTTPS client only.
		trusted = https.globalAgent.options.ca;
		https.globalAgent.options.ca = receiver.certificate;
		const org = await app.createOrganization();
		ada = { user: org.admin, token: org.token };
		bruno = await app.join(org.joinCode, 'Bruno');
	}, 120_000);

	afterAll(async () => {
		https.globalAgent.options.ca = trusted as string | undefined;
		await server?.close();
		await receiver?.close();
		await app?.close();
	});

	const api = (person: SignedInPerson, method: string, path: string, body?: unknown) =>
		fetch(`${server.origin}${path}`, {
			method,
			headers: {
				cookie: `${SESSION_COOKIE}=${person.token}`,
				...(body === undefined ? {} : { 'content-type': 'application/json' })
			},
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	const stored = async () =>
		(
			await app.database.sql<{ endpoint: string; user_id: string }[]>`
			select endpoint, user_id from push_subscriptions order by created_at`
		).map((row) => ({
			endpoint: row.endpoint,
			userId: row.user_id
		}));

	it('makes the VAPID key once and every process and restart reads the same one', async () => {
		const [first, second] = await Promise.all([app.push.publicKey(), local.push.publicKey()]);
		expect(first).toEqual(second);
		expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
		const answer = await api(bruno, 'GET', '/api/push/key');
		expect(await answer.json()).toEqual(first);
		const restarted = createAppContext(loadConfig({ DATA_DIR: '/tmp/x' }), app.database);
		expect(await restarted.push.publicKey()).toEqual(first);
		const [row] = await app.database.sql<{ count: number }[]>`
			select count(*)::int as count from server_secrets where name = 'vapid-keys'`;
		expect(row!.count).toBe(1);
	});

	it('refuses endpoints that are not https or point inside the network, and malformed keys', async () => {
		const good = receiver.subscriber().json.keys;
		// This machine's own name resolves (through /etc/hosts) to one of its own addresses.
		const hostname = os.hostname();
		const ownAddresses = (await dns.lookup(hostname, { all: true })).map((a) => a.address);
		expect(ownAddresses.some(isPrivateAddress)).toBe(true);
		const refused: [string, { p256dh: string; auth: string }, string][] = [
			['http://93.184.216.34/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['ftp://93.184.216.34/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['not a url', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://localhost/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://push.localhost/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://127.0.0.1:9443/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://10.1.2.3/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://192.168.1.20/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://172.20.0.5/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://169.254.169.254/latest/meta-data', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://[::1]/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://[fe80::1]/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://[fd00::5]/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://[::ffff:10.0.0.1]/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://0x7f000001/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			[`https://${hostname}/push/1`, good, 'PUSH_ENDPOINT_REFUSED'],
			['https://user:pw@93.184.216.34/push/1', good, 'PUSH_ENDPOINT_REFUSED'],
			['https://93.184.216.34/push/1', { ...good, p256dh: 'AAAA' }, 'PUSH_KEYS_INVALID'],
			[
				'https://93.184.216.34/push/1',
				{ ...good, p256dh: Buffer.alloc(65, 4).toString('base64url') },
				'PUSH_KEYS_INVALID'
			],
			['https://93.184.216.34/push/1', { ...good, auth: 'c2hvcnQ' }, 'PUSH_KEYS_INVALID'],
			['https://93.184.216.34/push/1', { ...good, auth: '!!not base64!!' }, 'PUSH_KEYS_INVALID']
		];
		for (const [endpoint, keys, code] of refused) {
			const answer = await api(bruno, 'POST', '/api/push/subscriptions', { endpoint, keys });
			const body = (await answer.json()) as { error: { code: string } };
			expect(answer.status, endpoint).toBe(422);
			expect(body.error.code, endpoint).toBe(code);
		}
		// A body that is not a subscription at all: the contract's validation.
		const missing = await api(bruno, 'POST', '/api/push/subscriptions', { endpoint: 'x' });
		expect(missing.status).toBe(422);
		expect(await stored()).toEqual([]);
	});

	it('resolves host names and refuses one that resolves inside the network', async () => {
		const lookup = (addresses: string[]) => async () => addresses;
		const policy = { allowPrivate: false };
		await expect(
			checkPushEndpoint('https://push.example.test/x', { ...policy, lookup: lookup(['10.0.0.7']) })
		).rejects.toMatchObject({ code: 'PUSH_ENDPOINT_REFUSED' });
		await expect(
			checkPushEndpoint('https://push.example.test/x', {
				...policy,
				lookup: lookup(['93.184.216.34', 'fd12::1'])
			})
		).rejects.toMatchObject({ code: 'PUSH_ENDPOINT_REFUSED' });
		await expect(
			checkPushEndpoint('https://push.example.test/x', {
				...policy,
				lookup: () => Promise.reject(new Error('ENOTFOUND'))
			})
		).rejects.toMatchObject({ code: 'PUSH_ENDPOINT_REFUSED' });
		const url = await checkPushEndpoint('https://push.example.test/x', {
			...policy,
			lookup: lookup(['93.184.216.34'])
		});
		expect(url.hostname).toBe('push.example.test');
		// The setting lets a local push service through (and only it).
		expect(
			(await checkPushEndpoint('https://127.0.0.1:1/x', { allowPrivate: true })).hostname
		).toBe('127.0.0.1');
		await expect(
			checkPushEndpoint('http://127.0.0.1:1/x', { allowPrivate: true })
		).rejects.toMatchObject({ code: 'PUSH_ENDPOINT_REFUSED' });
		expect(() => checkPushKeys(receiver.subscriber().json.keys)).not.toThrow();
		try {
			checkPushKeys({ p256dh: '', auth: '' });
			expect.unreachable();
		} catch (error) {
			expect(isAppError(error) && error.code).toBe('PUSH_KEYS_INVALID');
		}
	});

	it('stores a browser per person and forgets it on DELETE, only for its own person', async () => {
		const subscription = {
			endpoint: 'https://93.184.216.34/push/browser-1',
			expirationTime: null,
			keys: receiver.subscriber().json.keys
		};
		const created = await api(bruno, 'POST', '/api/push/subscriptions', subscription);
		expect(created.status).toBe(201);
		expect(await stored()).toEqual([{ endpoint: subscription.endpoint, userId: bruno.user.id }]);
		// Subscribing again changes nothing.
		expect((await api(bruno, 'POST', '/api/push/subscriptions', subscription)).status).toBe(201);
		expect(await stored()).toHaveLength(1);
		// Someone else cannot remove it.
		const foreign = await api(ada, 'DELETE', '/api/push/subscriptions', {
			endpoint: subscription.endpoint
		});
		expect(foreign.status).toBe(200);
		expect(await stored()).toHaveLength(1);
		const removed = await api(bruno, 'DELETE', '/api/push/subscriptions', {
			endpoint: subscription.endpoint
		});
		expect(await removed.json()).toEqual({ ok: true });
		expect(await stored()).toEqual([]);
	});

	it('pushes an encrypted, VAPID-signed message per browser, with Topic, TTL and urgency', async () => {
		const phone = receiver.subscriber();
		const laptop = receiver.subscriber();
		await local.push.subscribe(bruno.user, phone.json);
		await local.push.subscribe(bruno.user, laptop.json);
		const before = receiver.received.length;
		const outcome = await local.pushSender.sendToPerson(bruno.user.id, {
			channelId: CHANNEL,
			messageId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
			title: 'Ada in #design',
			body: 'Can you look at the mockups?',
			urgency: 'high'
		});
		expect(outcome).toEqual({ delivered: 2, removed: 0, failed: 0 });
		const pushes = receiver.received.slice(before);
		expect(pushes.map((p) => p.path).sort()).toEqual(
			[new URL(phone.endpoint).pathname, new URL(laptop.endpoint).pathname].sort()
		);
		const { publicKey } = await local.push.publicKey();
		for (const push of pushes) {
			const subscriber = push.path === new URL(phone.endpoint).pathname ? phone : laptop;
			expect(push.headers['content-encoding']).toBe('aes128gcm');
			expect(push.headers.ttl).toBe('86400');
			expect(push.headers.urgency).toBe('high');
			expect(push.headers.topic).toBe(pushTopic(CHANNEL));
			expect(push.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
			const claims = verifyVapid(
				String(push.headers.authorization),
				publicKey,
				subscriber.endpoint
			);
			expect(claims.sub).toBe(CONTACT);
			const payload = JSON.parse(subscriber.decrypt(push.body)) as PushPayload;
			expect(payload).toEqual({
				type: 'show',
				tag: notificationTag(CHANNEL),
				title: 'Ada in #design',
				body: 'Can you look at the mockups?',
				url: `/c/${CHANNEL}?message=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`,
				icon: '/favicon.svg'
			});
			// The other browser's keys cannot read it.
			const other = subscriber === phone ? laptop : phone;
			expect(() => other.decrypt(push.body)).toThrow();
		}

		// Read on another device: a close message under the same Topic replaces the show.
		const closing = await local.pushSender.closeForPerson(bruno.user.id, CHANNEL);
		expect(closing.delivered).toBe(2);
		const closes = receiver.received.slice(before + 2);
		expect(closes).toHaveLength(2);
		for (const push of closes) {
			expect(push.headers.topic).toBe(pushTopic(CHANNEL));
			const subscriber = push.path === new URL(phone.endpoint).pathname ? phone : laptop;
			expect(JSON.parse(subscriber.decrypt(push.body))).toEqual({
				type: 'close',
				tag: notificationTag(CHANNEL)
			});
		}
		// Nobody else's browsers were pushed to.
		expect(
			await local.pushSender.sendToPerson(ada.user.id, {
				channelId: CHANNEL,
				title: 'x',
				body: 'y'
			})
		).toEqual({ delivered: 0, removed: 0, failed: 0 });
		for (const subscriber of [phone, laptop]) {
			await local.push.unsubscribe(bruno.user, subscriber.endpoint);
		}
	});

	it('removes a subscription the push service answers 410 or 404, keeps one that failed otherwise', async () => {
		const gone = receiver.subscriber(410);
		const unknown = receiver.subscriber(404);
		const broken = receiver.subscriber(500);
		const fine = receiver.subscriber(201);
		for (const subscriber of [gone, unknown, broken, fine]) {
			await local.push.subscribe(bruno.user, subscriber.json);
		}
		const outcome = await local.pushSender.sendToPerson(bruno.user.id, {
			channelId: CHANNEL,
			title: 'Hello',
			body: 'again'
		});
		expect(outcome).toEqual({ delivered: 1, removed: 2, failed: 1 });
		expect((await stored()).map((row) => row.endpoint).sort()).toEqual(
			[broken.endpoint, fine.endpoint].sort()
		);
	});
});
