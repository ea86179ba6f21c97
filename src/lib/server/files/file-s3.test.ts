import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import { AppError } from '../errors.ts';
import { s3Storage, startS3Server, type S3Server } from '../storage/s3-test-server.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { availableDatabaseKinds } from '../testing/test-database.ts';
import * as samples from './testing/samples.ts';
import { uploadBytes } from './testing/upload.ts';

/**
 * Files when the storage is S3 (`S3_*` set): the same service against a real S3 server process.
 * What is stored is read back whole, a photo's previews are beside it, and a refused file leaves
 * no object in the bucket.
 */
const kind = (await availableDatabaseKinds()).at(-1)!;

describe(`files on S3 (${kind})`, () => {
	let server: S3Server;
	let app: TestApp;
	let ada: SessionUser;
	let channelId: string;

	beforeAll(async () => {
		server = await startS3Server();
		app = await createTestApp(kind, undefined, {
			storage: s3Storage(server, 'connectflow-files', 10 * 1024 * 1024)
		});
		const org = await app.createOrganization('S3 Files');
		ada = org.admin;
		channelId = (await app.channels.list(ada)).find((c) => c.kind === 'announcements')!.id;
	}, 60_000);
	afterAll(async () => {
		await app?.close();
		await server?.close();
	});

	const send = (bytes: Uint8Array, name: string) =>
		uploadBytes(app.files, ada, channelId, bytes, name);
	const objectWrites = () =>
		server.requests.filter((request) => request.startsWith('PUT /connectflow-files/files/'));

	it('stores a document and a photo with its previews, and gives them back', async () => {
		const document = await send(samples.pdf, 'minutes.pdf');
		const photo = await send(await samples.phonePhoto(), 'site.jpg');
		expect(photo).toMatchObject({ kind: 'image', width: 200, height: 300 });
		const back = await app.files.download(ada, document.id);
		expect(new Uint8Array(await back.arrayBuffer())).toEqual(samples.pdf);
		const thumbnail = await app.files.preview(ada, photo.id, 'thumbnail');
		expect([thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([200, 'image/webp']);
		await thumbnail.arrayBuffer();
		// The document, the photo and its two previews.
		expect(objectWrites().length).toBe(4);
	});

	it('writes nothing to the bucket for a refused file', async () => {
		const before = objectWrites().length;
		const refused = await send(samples.executable, 'setup.pdf').catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(AppError);
		expect((refused as AppError).code).toBe('UNSUPPORTED_FILE_TYPE');
		expect(objectWrites().length).toBe(before);
	});
});
