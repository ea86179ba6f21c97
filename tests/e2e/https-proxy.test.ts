import { expect, test } from './support/test.ts';
import { isCaddyAvailable, startCaddy } from '#server/testing/caddy.ts';
import { restartablePort } from '#collab/testing/test-port.ts';
import { STRICT_TRANSPORT_SECURITY } from '#server/http/transport-security.ts';
import { createOrganization, signInOn } from './support/people.ts';
import { message, openChannel, send } from './support/chat.ts';
import { startOwnServer } from './support/own-server.ts';

/**
 * The built app behind Caddy with the deployment's Caddyfile (deploy/Caddyfile), on
 * https://localhost:<port> with a certificate of Caddy's local CA, and ORIGIN set to that
 * address: a person signs up, their session cookie is Secure, every answer carries HSTS (from
 * the app itself too, so it holds without the proxy), and chat works over wss:// through the
 * proxy. Needs Caddy (.ci/run installs it): skipped without it, failed under CI=true.
 */
test('behind Caddy over https: Secure session cookie, HSTS, chat over wss', async ({ browser }) => {
	test.skip(!(await isCaddyAvailable()), 'needs Caddy at /usr/bin/caddy (CI=true fails instead)');
	const [httpsPort, httpPort] = [await restartablePort(), await restartablePort()];
	const origin = `https://localhost:${httpsPort}`;
	const server = await startOwnServer({ ORIGIN: origin, TRUST_PROXY: 'true' });
	const caddy = await startCaddy({
		httpsPort,
		httpPort,
		upstreams: [new URL(server.origin).host]
	});
	try {
		// The browser does not know Caddy's local CA; an operator would trust it once.
		const alice = await createOrganization(browser, 'Secure Co', 'Alice', {
			baseURL: origin,
			ignoreHTTPSErrors: true
		});
		const session = (await alice.context.cookies(origin)).find(
			(cookie) => cookie.name === 'cf_session'
		);
		expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });

		const page = await alice.page.goto('/home');
		expect(page?.headers()['strict-transport-security']).toBe(STRICT_TRANSPORT_SECURITY);

		// The app sends HSTS itself when its ORIGIN is https (hooks.server.ts): on a page and an
		// API answer asked of the process directly, with no Caddy in between. (Static files skip
		// the hooks; a browser keeps HSTS for the host from any answer.)
		for (const path of ['/signin', '/api/openapi.json']) {
			const direct = await fetch(`${server.origin}${path}`);
			expect(direct.status, path).toBeLessThan(400);
			expect(direct.headers.get('strict-transport-security'), path).toBe(STRICT_TRANSPORT_SECURITY);
		}
		// Metrics are not public through the proxy.
		expect((await alice.page.request.get('/metrics')).status()).toBe(404);

		// The collaboration socket goes through Caddy too (wss://): a message sent on one device
		// reaches another one, signed in afresh (no local copy) over https.
		await openChannel(alice.page, 'Official Announcements');
		const other = await browser.newContext({ baseURL: origin, ignoreHTTPSErrors: true });
		const phone = await other.newPage();
		await signInOn(phone, alice.email);
		await openChannel(phone, 'Official Announcements');
		await send(alice.page, 'Sent over wss through Caddy');
		await expect(message(phone, 'Sent over wss through Caddy')).toBeVisible();
		await other.close();
		await alice.context.close();
	} finally {
		await caddy.stop();
		await server.stop();
	}
});
