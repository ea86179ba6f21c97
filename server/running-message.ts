/**
 * The line the server prints once it listens: the address to open. Behind a proxy (ORIGIN set)
 * that is ORIGIN, the address people use, and where it listens is said after it; otherwise the
 * local address, with "localhost" for an address that listens everywhere.
 */
export interface Listening {
	origin?: string;
	host: string;
	port: number;
	/** Where the data lives, e.g. "PGlite in data/pglite" or "Postgres". */
	database: string;
}

export function runningMessage({ origin, host, port, database }: Listening): string {
	const local = `${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
	if (origin) {
		return `ConnectFlow is running at ${new URL(origin).origin}  (listening on ${local}; database: ${database})`;
	}
	return `ConnectFlow is running at http://${local}  (database: ${database})`;
}
