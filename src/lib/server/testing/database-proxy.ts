import net from 'node:net';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { createTestDatabase, realPostgresUrl, type TestDatabase } from './test-database.ts';

/**
 * A TCP proxy in front of Postgres that a test controls: `cut()` drops every connection through
 * it and refuses new ones (the database is unreachable, as when its host or network goes away),
 * `restore()` lets connections through again. The database itself keeps running.
 */
export interface DatabaseProxy {
	/** `targetUrl` with the proxy's address: what the server under test connects to. */
	url: string;
	cut(): void;
	restore(): void;
	close(): Promise<void>;
}

/**
 * Starts `server` on a free loopback port and gives `targetUrl` pointed at it: the address a
 * client uses to reach the target through the proxy `server` is.
 */
export async function listenInFront(server: net.Server, targetUrl: string): Promise<string> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = new URL(targetUrl);
	url.hostname = '127.0.0.1';
	url.port = String((server.address() as AddressInfo).port);
	return url.toString();
}

export async function startDatabaseProxy(targetUrl: string): Promise<DatabaseProxy> {
	const target = new URL(targetUrl);
	const sockets = new Set<net.Socket>();
	let open = true;
	const server = net.createServer((client) => {
		if (!open) {
			client.destroy();
			return;
		}
		const upstream = net.connect(Number(target.port || 5432), target.hostname);
		for (const socket of [client, upstream]) {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
			socket.on('error', () => {
				client.destroy();
				upstream.destroy();
			});
		}
		client.pipe(upstream);
		upstream.pipe(client);
	});
	return {
		url: await listenInFront(server, targetUrl),
		cut() {
			open = false;
			for (const socket of sockets) socket.destroy();
		},
		restore() {
			open = true;
		},
		async close() {
			open = false;
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		}
	};
}

/**
 * Ends every session of `database` from an admin connection, as a Postgres restart or an
 * operator's `pg_terminate_backend` would.
 */
export async function terminateConnections(adminUrl: string, database: string): Promise<number> {
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	try {
		const rows = await admin<{ terminated: boolean }[]>`
			select pg_terminate_backend(pid) as terminated from pg_stat_activity
			where datname = ${database} and pid <> pg_backend_pid()`;
		return rows.filter((row) => row.terminated).length;
	} finally {
		await admin.end({ timeout: 1 });
	}
}

/**
 * A fresh database on the real Postgres behind its own proxy, for the tests of outages: the
 * server under test connects to `url`; set-up and checks reach the database itself.
 */
export interface DatabaseBehindProxy {
	/** The database itself. */
	directUrl: string;
	sql: TestDatabase['sql'];
	/** Through the proxy: what the server under test connects to. */
	url: string;
	/** The database goes out of reach: its sessions end, as at a restart, and the proxy cuts. */
	cut(): Promise<void>;
	restore(): void;
	close(): Promise<void>;
}

export async function databaseBehindProxy(): Promise<DatabaseBehindProxy> {
	const database = await createTestDatabase('postgres');
	const directUrl = database.url!;
	const proxy = await startDatabaseProxy(directUrl);
	return {
		directUrl,
		sql: database.sql,
		url: proxy.url,
		async cut() {
			await terminateConnections(realPostgresUrl, new URL(directUrl).pathname.slice(1));
			proxy.cut();
		},
		restore: () => proxy.restore(),
		async close() {
			await proxy.close();
			await database.close();
		}
	};
}
