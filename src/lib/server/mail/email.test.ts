import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installAppContext } from '../app-context.ts';
import { SESSION_COOKIE } from '../auth/session-token.ts';
import { loadConfig } from '../config.ts';
import { createAppContext } from '../app-context.ts';
import { ServerSecretsRepository } from '../secrets/server-secrets.repository.ts';
import { startDevServer, type DevServer } from '../testing/dev-server.ts';
import { createTestApp, type SignedInPerson, type TestApp } from '../testing/test-app.ts';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import type { MissedMessages } from './email-notifications.service.ts';
import { startSmtpTestServer, type SmtpTestServer } from './testing/smtp-test-server.ts';
import { SignedTokens } from './unsubscribe-tokens.ts';
import type { EmailBatchSeconds, EmailSettings } from '#shared/api/mail.schema.ts';

/**
 * Notification email end to end: the missed-messages email through real SMTP (smtp-server,
 * read back with mailparser), nothing sent without SMTP_URL, and the unsubscribe link over
 * real HTTP through SvelteKit (Vite's dev server): valid, forged, changed and expired links.
 */
const kind = (await availableDatabaseKinds()).at(-1)!;
const PUBLIC_URL = 'https://chat.example.test';

describe(`notification email (${kind})`, () => {
	let smtp: SmtpTestServer;
	let app: TestApp;
	let server: DevServer;
	let ada: SignedInPerson;
	let bruno: SignedInPerson;

	beforeAll(async () => {
		smtp = await startSmtpTestServer();
		app = await createTestApp(kind, undefined, {
			env: { SMTP_URL: smtp.url, PUBLIC_URL, MAIL_FROM: 'ConnectFlow <cf@example.test>' }
		});
		installAppContext(app);
		server = await startDevServer();
		const org = await app.createOrganization('Acme & Sons');
		ada = { user: org.admin, token: org.token };
		bruno = await app.join(org.joinCode, 'Bruno <i>Bold</i> Ruiz');
	}, 120_000);

	afterAll(async () => {
		await server?.close();
		await app?.close();
		await smtp?.close();
	});

	const missed = (person: SignedInPerson, count: number): MissedMessages => ({
		person: { id: person.user.id, name: person.user.name, email: person.user.email },
		org: { name: 'Acme & Sons' },
		conversation: { id: '7d1f0c4e-1111-4a2b-9c3d-000000000001', kind: 'team', name: 'design' },
		messages: Array.from({ length: count }, (_, index) => ({
			id: `0000000${index}-aaaa-4bbb-8ccc-dddddddddddd`,
			authorName: 'Ada <Admin>',
			text: index === 0 ? 'Look: <script>alert("x")</script> & "quotes"' : `Message ${index}`,
			sentAt: new Date(Date.UTC(2026, 11, 5, 9, index))
		}))
	});

	it('sends one email per conversation with text and HTML parts, links and one-click unsubscribe', async () => {
		const before = smtp.received.length;
		const outcome = await app.email.sendMissedMessages(missed(bruno, 3));
		expect(outcome.sent).toBe(true);
		const [mail] = (await smtp.waitFor(before + 1)).slice(before);
		expect(smtp.received).toHaveLength(before + 1);
		const parsed = mail!.parsed;
		expect(mail!.to).toEqual([bruno.user.email]);
		expect(parsed.subject).toBe('3 new messages in #design');
		expect(parsed.from?.text).toContain('cf@example.test');

		const links = [0, 1, 2].map(
			(index) =>
				`${PUBLIC_URL}/c/7d1f0c4e-1111-4a2b-9c3d-000000000001?message=0000000${index}-aaaa-4bbb-8ccc-dddddddddddd`
		);
		const text = parsed.text ?? '';
		const html = typeof parsed.html === 'string' ? parsed.html : '';
		for (const link of links) {
			expect(text).toContain(link);
			expect(html).toContain(`href="${link}"`);
		}
		// The text part shows what was written; the HTML part escapes it.
		expect(text).toContain('Look: <script>alert("x")</script> & "quotes"');
		expect(html).not.toContain('<script>');
		expect(html).toContain(
			'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;'
		);
		expect(html).toContain('Bruno &lt;i&gt;Bold&lt;/i&gt; Ruiz');
		expect(html).toContain('Acme &amp; Sons');

		expect(mail!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
		const headerSection = mail!.raw.slice(0, mail!.raw.search(/\r?\n\r?\n/));
		const unfolded = headerSection.replace(/\r?\n[ \t]+/g, ' ');
		const listUnsubscribe = unfolded.match(/^List-Unsubscribe: <([^>]+)>\r?$/m)?.[1];
		expect(listUnsubscribe).toMatch(new RegExp(`^${PUBLIC_URL}/unsubscribe/[\\w-]+\\.[\\w-]+$`));
		expect(unfolded).not.toMatch(/^List-Unsubscribe:.*mailto:/m);
		expect(text).toContain(listUnsubscribe);
	});

	it('sends nothing to a person who turned email off, nor when there is nothing to say', async () => {
		const before = smtp.received.length;
		await app.email.setEnabled(ada.user, false);
		expect(await app.email.sendMissedMessages(missed(ada, 2))).toEqual({
			sent: false,
			reason: 'opted-out'
		});
		expect(await app.email.sendMissedMessages(missed(bruno, 0))).toEqual({
			sent: false,
			reason: 'nothing-to-send'
		});
		await app.email.setEnabled(ada.user, true);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(smtp.received.length).toBe(before);
	});

	it('sends nothing without SMTP_URL, and says email is off', async () => {
		const before = smtp.received.length;
		const withoutSmtp = createAppContext(
			loadConfig({ DATA_DIR: '/tmp/connectflow-test', PUBLIC_URL }),
			app.database
		);
		expect(await withoutSmtp.email.status(bruno.user)).toEqual({
			available: false,
			enabled: true,
			batchSeconds: 600,
			batchChosen: false
		});
		expect(await withoutSmtp.email.sendMissedMessages(missed(bruno, 2))).toEqual({
			sent: false,
			reason: 'disabled'
		});
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(smtp.received.length).toBe(before);
		expect(await app.email.status(bruno.user)).toMatchObject({ available: true, enabled: true });
	});

	describe('unsubscribe link over HTTP', () => {
		const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
		const emailOn = () => app.email.status(bruno.user).then((status) => status.enabled);
		const oneClick = (token: string) =>
			fetch(`${server.origin}/unsubscribe/${token}`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: 'List-Unsubscribe=One-Click'
			});

		// As a browser opens a link: asking for HTML.
		const open = (token: string) =>
			fetch(`${server.origin}/unsubscribe/${token}`, { headers: { accept: 'text/html' } });
		const confirm = (token: string) =>
			fetch(`${server.origin}/unsubscribe/${token}`, {
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
				body: ''
			});

		it('GET only asks to confirm; the one-click POST turns email off and answers 200', async () => {
			await app.email.setEnabled(bruno.user, true);
			const token = tokenOf(await app.email.unsubscribeUrl(bruno.user.id));
			const page = await open(token);
			expect(page.status).toBe(200);
			expect(await page.text()).toContain('Turn off email notifications');
			expect(await emailOn()).toBe(true);

			const answer = await oneClick(token);
			expect(answer.status).toBe(200);
			expect(await emailOn()).toBe(false);
			// The page's own button (a form POST asking for HTML) does the same, and says so.
			await app.email.setEnabled(bruno.user, true);
			const confirmed = await confirm(token);
			expect(confirmed.status).toBe(200);
			expect(await confirmed.text()).toContain('Email notifications are off');
			expect(await emailOn()).toBe(false);
			// Again: still 200, still off.
			expect((await oneClick(token)).status).toBe(200);
			expect(await emailOn()).toBe(false);

			// The settings API sees it, and turns it back on.
			const cookie = { cookie: `${SESSION_COOKIE}=${bruno.token}` };
			const settings = await fetch(`${server.origin}/api/notifications/email`, { headers: cookie });
			expect(await settings.json()).toMatchObject({ available: true, enabled: false });
			const put = await fetch(`${server.origin}/api/notifications/email`, {
				method: 'PUT',
				headers: { ...cookie, 'content-type': 'application/json' },
				body: JSON.stringify({ enabled: true })
			});
			expect(await put.json()).toMatchObject({ available: true, enabled: true });
		});

		it('refuses forged, changed and expired links with a stable code and changes nothing', async () => {
			await app.email.setEnabled(bruno.user, true);
			const valid = tokenOf(await app.email.unsubscribeUrl(bruno.user.id));
			const [payload, signature] = valid.split('.') as [string, string];

			// Forged: signed with a key that is not the server's.
			const { createHmac } = await import('node:crypto');
			const forged = `${payload}.${createHmac('sha256', 'guess').update(payload).digest('base64url')}`;
			// Changed: someone else's id in the payload, the original signature.
			const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { p: string };
			const changed = `${Buffer.from(JSON.stringify({ ...claims, p: ada.user.id })).toString('base64url')}.${signature}`;
			// Expired: signed with the server's key, an hour ago.
			const tokens = new SignedTokens(new ServerSecretsRepository(app.database.sql));
			const expired = await tokens.sign({
				personId: bruno.user.id,
				purpose: 'unsubscribe-email',
				expiresAt: Math.floor(Date.now() / 1000) - 3600
			});

			for (const [token, status, code] of [
				[forged, 400, 'UNSUBSCRIBE_LINK_INVALID'],
				[changed, 400, 'UNSUBSCRIBE_LINK_INVALID'],
				['not-a-token', 400, 'UNSUBSCRIBE_LINK_INVALID'],
				[expired, 410, 'UNSUBSCRIBE_LINK_EXPIRED']
			] as const) {
				const page = await open(token);
				expect(page.status, `GET ${code}`).toBe(status);
				expect(await page.text()).toContain(`data-code="${code}"`);
				const post = await oneClick(token);
				expect(post.status, `POST ${code}`).toBe(status);
				expect(((await post.json()) as { error: { code: string } }).error.code).toBe(code);
				const button = await confirm(token);
				expect(button.status, `form POST ${code}`).toBe(status);
				expect(await button.text()).toContain(`data-code="${code}"`);
				expect(await emailOn()).toBe(true);
				expect(await app.email.status(ada.user).then((s) => s.enabled)).toBe(true);
			}
		});
	});
	describe('batching interval over HTTP', () => {
		const cookie = () => ({ cookie: `${SESSION_COOKIE}=${ada.token}` });
		const get = async () =>
			(await (
				await fetch(`${server.origin}/api/notifications/email`, { headers: cookie() })
			).json()) as EmailSettings;
		const put = (body: string) =>
			fetch(`${server.origin}/api/notifications/email`, {
				method: 'PUT',
				headers: { ...cookie(), 'content-type': 'application/json' },
				body
			});

		it('starts at the server default, takes an offered interval and keeps the switch apart', async () => {
			await app.email.setEnabled(ada.user, true);
			expect(await get()).toEqual({
				available: true,
				enabled: true,
				batchSeconds: 600,
				batchChosen: false
			});
			const chosen = await put(JSON.stringify({ batchSeconds: 1800 }));
			expect(chosen.status).toBe(200);
			expect(await chosen.json()).toEqual({
				available: true,
				enabled: true,
				batchSeconds: 1800,
				batchChosen: true
			});
			// Turning email off and on leaves the interval; the delivery reads the same.
			expect(await (await put(JSON.stringify({ enabled: false }))).json()).toMatchObject({
				enabled: false,
				batchSeconds: 1800
			});
			expect(
				await (await put(JSON.stringify({ enabled: true, batchSeconds: 300 }))).json()
			).toEqual({
				available: true,
				enabled: true,
				batchSeconds: 300,
				batchChosen: true
			});
			expect(await app.email.batchSeconds(ada.user.id)).toBe(300);
			expect(await app.email.batchSeconds(bruno.user.id), 'not chosen: the default').toBe(600);
		});

		it('follows EMAIL_BATCH_SECONDS for people who did not choose, not for those who did', async () => {
			const shorter = createAppContext(
				loadConfig({ DATA_DIR: '/tmp/connectflow-test', PUBLIC_URL, EMAIL_BATCH_SECONDS: '7' }),
				app.database
			);
			expect(await shorter.email.status(bruno.user)).toMatchObject({
				batchSeconds: 7,
				batchChosen: false
			});
			expect(await shorter.email.batchSeconds(bruno.user.id)).toBe(7);
			await app.email.update(ada.user, { batchSeconds: 900 });
			expect(await shorter.email.batchSeconds(ada.user.id)).toBe(900);
			expect(() =>
				loadConfig({ DATA_DIR: '/tmp/connectflow-test', EMAIL_BATCH_SECONDS: '0' })
			).toThrow(/EMAIL_BATCH_SECONDS/);
		});

		it('refuses an interval that is not offered with 422 VALIDATION_FAILED and changes nothing', async () => {
			await app.email.update(ada.user, { enabled: true, batchSeconds: 900 });
			const before = await get();
			const refused = [
				{ batchSeconds: 120 },
				{ batchSeconds: 7200 },
				{ batchSeconds: 0 },
				{ batchSeconds: -600 },
				{ batchSeconds: 600.5 },
				{ batchSeconds: '600' },
				{ batchSeconds: null },
				{ batchSeconds: [600] },
				// Nothing of it is written, not even the valid half.
				{ enabled: false, batchSeconds: 3 },
				{ enabled: false, batchMinutes: 10 },
				{}
			];
			for (const body of refused) {
				const answer = await put(JSON.stringify(body));
				expect(answer.status, JSON.stringify(body)).toBe(422);
				const error = ((await answer.json()) as { error: { code: string } }).error;
				expect(error.code, JSON.stringify(body)).toBe('VALIDATION_FAILED');
				expect(await get(), JSON.stringify(body)).toEqual(before);
			}
			// The service refuses it too, for a caller that did not come through the contract.
			await expect(
				app.email.update(ada.user, { batchSeconds: 3 as EmailBatchSeconds })
			).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
			expect(await get()).toEqual(before);
			const [row] = await app.database.sql<{ seconds: number }[]>`
				select email_batch_seconds as seconds from notification_settings
				where user_id = ${ada.user.id}`;
			expect(row?.seconds).toBe(900);
		});
	});
});
