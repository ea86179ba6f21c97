import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/each-database.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { ABANDONED_UPLOAD_HOURS, cleanupAbandonedUploads } from './abandoned-uploads.job.ts';
import { previewKeys } from './file.repository.ts';
import * as samples from './testing/samples.ts';
import { uploadBytes } from './testing/upload.ts';

/**
 * The hourly cleanup, run through the job queue: an upload no message carries, older than
 * ABANDONED_UPLOAD_HOURS, goes with its stored objects (an image's previews too); a file a
 * message carries, and a recent upload, stay. Running it again changes nothing.
 */
describeEachDatabase('the cleanup of abandoned uploads (%s)', (kind) => {
	it('removes old pending files and their objects, keeps attached and recent ones', async () => {
		const app: TestApp = await createTestApp(kind);
		try {
			const org = await app.createOrganization('Abandoned Uploads Inc');
			const ada: SessionUser = org.admin;
			const channelId = (await app.channels.list(ada)).find((c) => c.kind === 'announcements')!.id;
			const send = (bytes: Uint8Array, name: string) =>
				uploadBytes(app.files, ada, channelId, bytes, name);
			const abandoned = await send(await samples.phonePhoto(), 'abandoned.jpg');
			const sent = await send(samples.pdf, 'sent.pdf');
			const recent = await send(samples.pdf, 'recent.pdf');
			await app.files.files.attach(randomUUID(), [sent.id]);
			// Two of them uploaded more than a day ago.
			await app.database.sql`
				update files set created_at = now() - ${`${ABANDONED_UPLOAD_HOURS + 1} hours`}::interval
				where id in ${app.database.sql([abandoned.id, sent.id])}`;
			const row = (id: string) => app.files.files.find(id);
			const abandonedRow = (await row(abandoned.id))!;
			expect(abandonedRow.hasPreviews).toBe(true);
			const abandonedKeys = [
				abandonedRow.storageKey,
				...Object.values(previewKeys(abandonedRow.storageKey))
			];
			for (const key of abandonedKeys) expect(await app.files.storage.exists(key)).toBe(true);

			// Through the queue and the handler the app context registers, as the schedule sends it.
			await app.jobQueue.start();
			await app.jobQueue.schedule(cleanupAbandonedUploads, {});
			const deadline = Date.now() + 30_000;
			while ((await row(abandoned.id)) !== null) {
				if (Date.now() > deadline) throw new Error('the cleanup job did not run');
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
			for (const key of abandonedKeys) expect(await app.files.storage.exists(key)).toBe(false);
			for (const kept of [sent, recent]) {
				const file = (await row(kept.id))!;
				expect(file, kept.name).not.toBeNull();
				expect(await app.files.storage.exists(file.storageKey)).toBe(true);
			}
			// Again: nothing left to do, nothing else touched.
			expect(await app.files.removeAbandonedUploads(ABANDONED_UPLOAD_HOURS)).toBe(0);
			expect(await row(sent.id)).not.toBeNull();
			expect(await row(recent.id)).not.toBeNull();
			// And it is on the queue's hourly schedule.
			const [schedule] = await app.database.sql<{ cron: string }[]>`
				select cron from pgboss.schedule where name = ${cleanupAbandonedUploads.name}`;
			expect(schedule?.cron).toBe('17 * * * *');
		} finally {
			await app.close();
		}
	}, 90_000);
});
