import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Storage, startS3Server, type S3Server } from './s3-test-server.ts';
import {
	describeStorageContract,
	chunked,
	expectAppError,
	failingAfter,
	readAll,
	sha256
} from './storage-contract.ts';

describeStorageContract('S3 (s3rver)', async () => {
	const server = await startS3Server();
	return { storage: s3Storage(server, 'contract'), close: server.close };
});

describe('S3Storage against s3rver', () => {
	let server: S3Server;

	beforeAll(async () => {
		server = await startS3Server();
	});
	afterAll(() => server?.close());

	it('creates its bucket on first write', async () => {
		const storage = s3Storage(server, 'made-on-demand');
		expect(await (await storage.client()).bucketExists('made-on-demand')).toBe(false);
		await storage.put('first', Buffer.from('1'), { contentType: 'text/plain' });
		expect(await (await storage.client()).bucketExists('made-on-demand')).toBe(true);
		// A second instance (another process) finds it and does not fail.
		await s3Storage(server, 'made-on-demand').put('second', Buffer.from('2'), {
			contentType: 'text/plain'
		});
	});

	it('uploads a stream over 5 MB in parts, and a small one in a single request', async () => {
		const storage = s3Storage(server, 'multipart');
		server.requests.length = 0;
		const data = randomBytes(6 * 1024 * 1024);
		await storage.put('big', chunked(data), { contentType: 'x/y' });
		expect(sha256(await readAll((await storage.get('big')).stream))).toBe(sha256(data));
		expect(server.requests.filter((r) => /^POST \/multipart\/big\?uploads/.test(r))).toHaveLength(
			1
		);
		expect(
			server.requests.filter((r) => /^PUT \/multipart\/big\?.*partNumber=/.test(r))
		).toHaveLength(2);
		expect(server.requests.filter((r) => /^POST \/multipart\/big\?uploadId=/.test(r))).toHaveLength(
			1
		);

		server.requests.length = 0;
		await storage.put('small', Readable.from([Buffer.alloc(1000, 1)]), { contentType: 'x/y' });
		expect(server.requests.filter((r) => r.startsWith('PUT /multipart/small'))).toHaveLength(1);
		expect(server.requests.some((r) => r.includes('uploads'))).toBe(false);
	});

	it('aborts the multipart upload when the source fails', async () => {
		const storage = s3Storage(server, 'aborted');
		server.requests.length = 0;
		await expect(
			storage.put('partial', failingAfter(7 * 1024 * 1024), { contentType: 'x/y' })
		).rejects.toThrow('connection reset');
		expect(
			server.requests.filter((r) => /^DELETE \/aborted\/partial\?uploadId=/.test(r))
		).toHaveLength(1);
		expect(await storage.exists('partial')).toBe(false);
	});

	it('gives signed URLs that plain fetch downloads until they expire', async () => {
		const storage = s3Storage(server, 'signed');
		await storage.put('docs/plan.pdf', Buffer.from('%PDF signed'), {
			contentType: 'application/pdf'
		});

		const url = await storage.signedUrl('docs/plan.pdf', 60);
		expect(url).toMatch(
			new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/signed/docs/plan\\.pdf\\?`)
		);
		const response = await fetch(url!);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/pdf');
		expect(await response.text()).toBe('%PDF signed');

		const named = await storage.signedUrl('docs/plan.pdf', 60, { filename: 'Plan für 2027.pdf' });
		const download = await fetch(named!);
		expect(download.headers.get('content-disposition')).toBe(
			`attachment; filename="Plan f_r 2027.pdf"; filename*=UTF-8''Plan%20f%C3%BCr%202027.pdf`
		);
		await download.body?.cancel();

		// s3rver does not verify SigV4 signatures, but it does enforce the expiry we signed.
		const shortLived = await storage.signedUrl('docs/plan.pdf', 1);
		await new Promise((resolve) => setTimeout(resolve, 2100));
		const expired = await fetch(shortLived!);
		expect(expired.status).toBe(403);
		expect(await expired.text()).toContain('Request has expired');
	});

	it('asks for server-side encryption (SSE-S3) on every upload when S3_SSE is set', async () => {
		const plain = s3Storage(server, 'unencrypted');
		const sealed = s3Storage(server, 'sse', undefined, { serverSideEncryption: true });
		server.encryptionRequests.length = 0;
		await plain.put('a', Buffer.from('1'), { contentType: 'text/plain' });
		expect(server.encryptionRequests).toEqual([]);

		await sealed.put('small', Buffer.from('2'), { contentType: 'text/plain' });
		await sealed.put('big', chunked(randomBytes(6 * 1024 * 1024)), { contentType: 'x/y' });
		// The single PUT and the multipart upload's start; parts inherit the upload's encryption.
		expect(server.encryptionRequests).toEqual([
			'PUT /sse/small AES256',
			'POST /sse/big?uploads AES256'
		]);
		expect((await readAll((await sealed.get('small')).stream)).toString()).toBe('2');
	});

	it('maps a missing bucket to NOT_FOUND on reads', async () => {
		const storage = s3Storage(server, 'no-such-bucket');
		await expectAppError(storage.get('x'), 'NOT_FOUND');
		await expectAppError(storage.stat('x'), 'NOT_FOUND');
		expect(await storage.exists('x')).toBe(false);
		await storage.delete('x');
	});

	it('reads size and type from the GET response itself', async () => {
		const storage = s3Storage(server, 'headers');
		await storage.put('h.txt', Buffer.from('12345'), { contentType: 'text/plain; charset=utf-8' });
		const file = await storage.get('h.txt');
		expect(file).toMatchObject({ size: 5, contentType: 'text/plain; charset=utf-8' });
		expect((await readAll(file.stream)).toString()).toBe('12345');
	});
});
