import { createECDH } from 'node:crypto';
import dns from 'node:dns/promises';
import net from 'node:net';
import { AppError } from '../errors.ts';

/**
 * Addresses a push endpoint must not reach: the server posts to the endpoint, so an endpoint
 * inside the network would let anyone make the server send requests there (SSRF).
 */
const blocked = new net.BlockList();
for (const [network, prefix] of [
	['0.0.0.0', 8],
	['10.0.0.0', 8],
	['100.64.0.0', 10],
	['127.0.0.0', 8],
	['169.254.0.0', 16],
	['172.16.0.0', 12],
	['192.0.0.0', 24],
	['192.168.0.0', 16],
	['198.18.0.0', 15],
	['224.0.0.0', 4],
	['240.0.0.0', 4]
] as const) {
	blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
	['::', 128],
	['::1', 128],
	['fc00::', 7],
	['fe80::', 10],
	['ff00::', 8]
] as const) {
	blocked.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address (v4 or v6, IPv4-mapped and NAT64 included) is private or local. */
export function isPrivateAddress(address: string): boolean {
	const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
	const family = net.isIP(ip);
	if (family === 4) return blocked.check(ip, 'ipv4');
	if (family !== 6) return true;
	const embedded = embeddedIpv4(ip);
	if (embedded) return blocked.check(embedded, 'ipv4');
	return blocked.check(ip, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::) address. */
function embeddedIpv4(ip: string): string | null {
	const lower = ip.toLowerCase();
	const prefix = ['::ffff:', '64:ff9b::'].find((p) => lower.startsWith(p));
	if (!prefix) return null;
	const rest = lower.slice(prefix.length);
	if (net.isIPv4(rest)) return rest;
	const parts = rest.split(':');
	if (parts.length !== 2) return null;
	const [high, low] = parts.map((part) => Number.parseInt(part, 16));
	if (high === undefined || low === undefined || Number.isNaN(high) || Number.isNaN(low)) {
		return null;
	}
	return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export interface EndpointPolicy {
	/** PUSH_ALLOW_PRIVATE_ENDPOINTS: accept private and local addresses (off by default). */
	allowPrivate: boolean;
	/** Name resolution; the system's by default. */
	lookup?: (host: string) => Promise<string[]>;
}

const systemLookup = async (host: string) =>
	(await dns.lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

const refused = (message: string, reason: string) =>
	new AppError('PUSH_ENDPOINT_REFUSED', message, { details: { reason } });

/**
 * The endpoint of a push subscription, checked: an https URL without credentials whose host is
 * not localhost and neither is nor resolves to a private, loopback or link-local address.
 * Throws PUSH_ENDPOINT_REFUSED (with `details.reason`) otherwise.
 */
export async function checkPushEndpoint(endpoint: string, policy: EndpointPolicy): Promise<URL> {
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		throw refused('The push endpoint is not a URL.', 'not-a-url');
	}
	if (url.protocol !== 'https:') {
		throw refused('The push endpoint must be an https URL.', 'not-https');
	}
	if (url.username || url.password) {
		throw refused('The push endpoint must not carry credentials.', 'credentials');
	}
	if (policy.allowPrivate) return url;
	const host = url.hostname
		.replace(/^\[|\]$/g, '')
		.replace(/\.$/, '')
		.toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost')) {
		throw refused('The push endpoint must not point at this machine.', 'private-address');
	}
	if (net.isIP(host)) {
		if (isPrivateAddress(host)) {
			throw refused('The push endpoint must not point at a private address.', 'private-address');
		}
		return url;
	}
	let addresses: string[];
	try {
		addresses = await (policy.lookup ?? systemLookup)(host);
	} catch {
		throw refused(`The push endpoint's host ${host} could not be found.`, 'unresolvable');
	}
	if (addresses.length === 0) {
		throw refused(`The push endpoint's host ${host} could not be found.`, 'unresolvable');
	}
	if (addresses.some(isPrivateAddress)) {
		throw refused('The push endpoint must not point at a private address.', 'private-address');
	}
	return url;
}

/**
 * The subscription's keys: `p256dh` an uncompressed P-256 public key (65 bytes, 0x04 first),
 * `auth` a 16-byte secret, both base64url. Throws PUSH_KEYS_INVALID otherwise.
 */
export function checkPushKeys(keys: { p256dh: string; auth: string }): void {
	const base64url = /^[A-Za-z0-9_-]+={0,2}$/;
	const p256dh = base64url.test(keys.p256dh) ? Buffer.from(keys.p256dh, 'base64url') : null;
	if (!p256dh || p256dh.length !== 65 || p256dh[0] !== 0x04 || !onCurve(p256dh)) {
		throw new AppError(
			'PUSH_KEYS_INVALID',
			'The subscription key p256dh is not a P-256 public key.',
			{
				details: { field: 'keys.p256dh' }
			}
		);
	}
	const auth = base64url.test(keys.auth) ? Buffer.from(keys.auth, 'base64url') : null;
	if (!auth || auth.length !== 16) {
		throw new AppError('PUSH_KEYS_INVALID', 'The subscription secret auth is not 16 bytes.', {
			details: { field: 'keys.auth' }
		});
	}
}

/** Whether the bytes are a point of P-256 (encryption to it would fail otherwise). */
function onCurve(point: Buffer): boolean {
	try {
		const ecdh = createECDH('prime256v1');
		ecdh.generateKeys();
		ecdh.computeSecret(point);
		return true;
	} catch {
		return false;
	}
}

/**
 * A `lookup` for the HTTPS agent that sends pushes: the same rule again at connection time, so
 * a host that resolved to a public address when the browser subscribed and to a private one
 * later (DNS rebinding) is still not reached.
 */
export function publicOnlyLookup(
	hostname: string,
	options: object,
	callback: (
		error: Error | null,
		address: string | { address: string; family: number }[],
		family?: number
	) => void
): void {
	dns
		.lookup(hostname, { all: true, verbatim: true })
		.then((entries) => {
			const usable = entries.filter((entry) => !isPrivateAddress(entry.address));
			if (usable.length === 0) {
				callback(new Error(`Push endpoint host ${hostname} has no public address`), []);
				return;
			}
			if ((options as { all?: boolean }).all) callback(null, usable);
			else callback(null, usable[0]!.address, usable[0]!.family);
		})
		.catch((error: Error) => callback(error, []));
}
