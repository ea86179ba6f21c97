import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAppContext } from '#server/app-context.ts';
import { loadConfig } from '#server/config.ts';
import { openDatabase } from '#server/db/database.ts';
import { migratedPgliteImage } from '#server/testing/test-database.ts';
import { writeOldMessages } from '#server/retention/testing/old-messages.ts';
import { PASSWORD, uniqueEmail } from './people.ts';

const DAY = 86_400_000;

export interface RetentionWorld {
	dataDir: string;
	email: string;
	/** The organization's announcements (old messages, one recent) and a private group (old). */
	announcements: string;
	held: string;
}

/**
 * A data folder for a server of the test's own, with an organization whose conversations hold
 * messages accepted three days ago: written through the server's own modules (documents and
 * record, as the server keeps them), since nothing a browser does can make a message old.
 */
export async function seedRetentionWorld(): Promise<RetentionWorld> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'connectflow-retention-'));
	const config = loadConfig({ DATA_DIR: dataDir });
	// From the tests' migrated image (kept between runs): migrating a new folder takes long.
	const database = await openDatabase({
		pgliteDir: config.pgliteDir,
		pgliteImage: await migratedPgliteImage()
	});
	const ctx = createAppContext(config, database);
	try {
		const email = uniqueEmail('Rita Admin');
		const { user: admin } = await ctx.auth.createOrganization(
			{
				organizationName: 'Retention Works',
				name: 'Rita Admin',
				email,
				password: PASSWORD,
				title: 'Compliance'
			},
			{ userAgent: 'retention seed', ip: '127.0.0.1' }
		);
		const channels = await ctx.channels.list(admin);
		const announcements = channels.find((channel) => channel.kind === 'announcements')!.id;
		const held = await ctx.channels.create(admin, {
			kind: 'private',
			name: 'Quokka matter',
			topic: 'Under legal hold',
			memberIds: []
		});
		const old = Date.now() - 3 * DAY;
		await writeOldMessages(ctx.database.sql, { id: announcements }, [
			{ authorId: admin.id, text: 'Zephyr deal rumours from last week', at: old },
			{ authorId: admin.id, text: 'Zephyr pricing spreadsheet notes', at: old + 1000 },
			{ authorId: admin.id, text: 'Fresh news from this morning', at: Date.now() - 60_000 }
		]);
		await writeOldMessages(ctx.database.sql, { id: held.id }, [
			{ authorId: admin.id, text: 'Quokka evidence to keep', at: old }
		]);
		return { dataDir, email, announcements, held: held.id };
	} finally {
		await ctx.close();
	}
}
