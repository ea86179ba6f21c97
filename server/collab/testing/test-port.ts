import fs from 'node:fs';
import net from 'node:net';

/**
 * A free port for a server a test starts, kills and starts again on the same port. It lies below
 * the kernel's ephemeral range: a port in that range can be handed to an outgoing connection
 * (to Postgres, Redis, another test's server) while the killed server is down, and the restart
 * then fails with EADDRINUSE.
 */
export async function restartablePort(): Promise<number> {
	const lowest = 10_000;
	const ephemeralStart = firstEphemeralPort();
	for (let attempt = 0; attempt < 50; attempt++) {
		const port = lowest + Math.floor(Math.random() * (ephemeralStart - lowest));
		if (await isFree(port)) return port;
	}
	throw new Error(`no free port between ${lowest} and ${ephemeralStart}`);
}

function firstEphemeralPort(): number {
	try {
		const [first] = fs
			.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
			.trim()
			.split(/\s+/);
		const port = Number(first);
		return Number.isInteger(port) && port > 11_000 ? port : 32_768;
	} catch {
		return 32_768;
	}
}

function isFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const probe = net.createServer();
		probe.once('error', () => resolve(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
	});
}
