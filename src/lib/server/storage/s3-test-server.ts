import fs from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { S3Storage } from './s3-storage.ts';
import { CONTRACT_MAX_BYTES } from './storage-contract.ts';

/** A real S3 server process for tests (s3rver), and S3 storage pointed at it. */
/** s3rver's built-in credentials; it checks request signatures against them. */
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

export interface S3Server {
	port: number;
	/** Every request the server received, as "METHOD /path?query". */
	requests: string[];
	/** The requests that asked for server-side encryption, as "METHOD /path?query value". */
	encryptionRequests: string[];
	close(): Promise<void>;
}

export async function startS3Server(): Promise<S3Server> {
	const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'cf-s3rver-'));
	const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
	const { port } = await server.run();
	const requests: string[] = [];
	const encryptionRequests: string[] = [];
	server.httpServer?.on('request', (req: IncomingMessage) => {
		requests.push(`${req.method} ${req.url}`);
		const sse = req.headers['x-amz-server-side-encryption'];
		if (sse) encryptionRequests.push(`${req.method} ${req.url} ${String(sse)}`);
	});
	return {
		port,
		requests,
		encryptionRequests,
		close: async () => {
			server.httpServer?.closeAllConnections();
			await server.close();
			await fs.rm(directory, { recursive: true, force: true });
		}
	};
}

export function s3Storage(
	server: S3Server,
	bucket: string,
	maxBytes = CONTRACT_MAX_BYTES,
	options: { serverSideEncryption?: boolean } = {}
): S3Storage {
	return new S3Storage({
		endPoint: '127.0.0.1',
		port: server.port,
		useSSL: false,
		accessKey: ACCESS_KEY,
		secretKey: SECRET_KEY,
		bucket,
		region: 'us-east-1',
		maxBytes,
		...options
	});
}
