import net from 'node:net';

/** What the `postgres` client hands a socket factory: its parsed connection options. */
interface SocketTarget {
	host: string[];
	port: number[];
	path?: string;
}

/** The socket a failed attempt names, for the error's message (as the client's own). */
type NamedSocket = net.Socket & { host?: string; port?: number };

/**
 * The socket the `postgres` client opens to the database: its own kind (TCP, or a Unix socket
 * for a `host=/path` URL), with one difference. A database that accepts the connection and
 * closes it before answering anything (a proxy whose upstream is gone, a server shutting down)
 * fails the attempt with an error. The client (postgres 3.4) otherwise reconnects at once, in a
 * loop, while the query that asked for the connection waits and no timeout runs, so the request
 * behind it never got its 503. The client's other attempts (refused, silent until
 * connect_timeout) already fail with an error and are unchanged. Only the first host of a
 * multi-host URL is used; ConnectFlow names one.
 */
export function openDatabaseSocket(target: SocketTarget): net.Socket {
	const socket: NamedSocket = target.path
		? net.connect(target.path)
		: net.connect(target.port[0] ?? 5432, target.host[0] ?? 'localhost');
	if (!target.path) {
		socket.host = target.host[0];
		socket.port = target.port[0];
	}
	socket.once('end', () => {
		if (socket.bytesRead > 0) return;
		socket.destroy(
			Object.assign(new Error('The database closed the connection before it answered.'), {
				code: 'CONNECTION_CLOSED'
			})
		);
	});
	return socket;
}
