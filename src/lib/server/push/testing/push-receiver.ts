import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
// http_ece is web-push's own encryption library: the receiver decrypts as a browser would.
import ece from 'http_ece';

export interface ReceivedPush {
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/** A browser's side of one subscription: the keys it made, and the JSON it would send us. */
export interface TestSubscriber {
	endpoint: string;
	ecdh: ECDH;
	auth: Buffer;
	json: { endpoint: string; keys: { p256dh: string; auth: string } };
	/** Decrypts a message pushed to this subscription (aes128gcm). */
	decrypt(body: Buffer): string;
}

export interface PushReceiver {
	origin: string;
	/** The receiver's self-signed certificate (PEM), for the client's trust. */
	certificate: string;
	received: ReceivedPush[];
	/** Makes a subscription at this receiver; `status` is what the receiver answers its pushes. */
	subscriber(status?: number): TestSubscriber;
	close(): Promise<void>;
}

/**
 * A local HTTPS push service for tests: a self-signed certificate for 127.0.0.1 made with the
 * openssl CLI, and a server that keeps every push it receives and answers each subscription's
 * endpoint with the status the test chose (201 by default, 410 for one that is gone).
 */
export async function startPushReceiver(): Promise<PushReceiver> {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-push-receiver-'));
	const keyFile = path.join(folder, 'key.pem');
	const certFile = path.join(folder, 'cert.pem');
	execFileSync('openssl', [
		'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
		'-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1',
		'-addext', 'subjectAltName=IP:127.0.0.1'
	], { stdio: 'ignore' }); // prettier-ignore
	const key = fs.readFileSync(keyFile, 'utf8');
	const certificate = fs.readFileSync(certFile, 'utf8');
	fs.rmSync(folder, { recursive: true, force: true });

	const received: ReceivedPush[] = [];
	const statuses = new Map<string, number>();
	const server = https.createServer({ key, cert: certificate }, (request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const url = request.url ?? '/';
			received.push({ path: url, headers: request.headers, body: Buffer.concat(chunks) });
			response.writeHead(statuses.get(url) ?? 404).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
	let counter = 0;
	return {
		origin,
		certificate,
		received,
		subscriber(status = 201) {
			const pathname = `/push/${++counter}-${randomBytes(6).toString('hex')}`;
			statuses.set(pathname, status);
			const ecdh = createECDH('prime256v1');
			ecdh.generateKeys();
			const auth = randomBytes(16);
			const endpoint = `${origin}${pathname}`;
			return {
				endpoint,
				ecdh,
				auth,
				json: {
					endpoint,
					keys: {
						p256dh: ecdh.getPublicKey().toString('base64url'),
						auth: auth.toString('base64url')
					}
				},
				decrypt: (body) =>
					(
						ece.decrypt(body, {
							version: 'aes128gcm',
							privateKey: ecdh,
							authSecret: auth
						}) as Buffer
					).toString('utf8')
			};
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

/**
 * Checks a VAPID `Authorization: vapid t=<JWT>, k=<key>` header as a push service does: the
 * key is the one given, the JWT is signed with it (ES256) and names the endpoint's origin,
 * the contact and an expiry in the future. Returns the JWT's claims.
 */
export function verifyVapid(
	authorization: string,
	publicKey: string,
	endpoint: string
): { aud: string; exp: number; sub: string } {
	const match = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(authorization);
	if (!match) throw new Error(`Not a VAPID authorization: ${authorization}`);
	const [, header, claims, signature, key] = match as unknown as [
		string,
		string,
		string,
		string,
		string
	];
	if (key !== publicKey) throw new Error('VAPID key is not the server’s');
	const raw = Buffer.from(key, 'base64url');
	const jwk = {
		kty: 'EC',
		crv: 'P-256',
		x: raw.subarray(1, 33).toString('base64url'),
		y: raw.subarray(33, 65).toString('base64url')
	};
	const valid = verify(
		'sha256',
		Buffer.from(`${header}.${claims}`),
		{ key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
		Buffer.from(signature, 'base64url')
	);
	if (!valid) throw new Error('VAPID signature does not verify');
	const parsed = JSON.parse(Buffer.from(claims, 'base64url').toString()) as {
		aud: string;
		exp: number;
		sub: string;
	};
	if (parsed.aud !== new URL(endpoint).origin) throw new Error(`VAPID aud ${parsed.aud}`);
	if (parsed.exp * 1000 < Date.now()) throw new Error('VAPID token expired');
	return parsed;
}
