import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportZipWriter } from './export-process.ts';
import type { ExportedMessage } from './export-records.ts';

const SCHED_IDLE = 5;
const folder = mkdtempSync(path.join(os.tmpdir(), 'connectflow-export-process-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Nice value and scheduling policy of a process, from its /proc stat line (fields 19 and 41). */
function priorityOf(pid: number): { nice: number; policy: number } {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return { nice: Number(fields[16]), policy: Number(fields[38]) };
}

const message: ExportedMessage = {
	id: 'm1',
	channelId: 'c1',
	channelName: 'general',
	channelKind: 'team',
	threadId: null,
	authorId: 'p1',
	authorName: 'Ada',
	authorEmail: 'ada@example.com',
	text: 'hello',
	attachments: [],
	mentions: [],
	version: 1,
	createdAt: '2026-12-01T10:00:00.000Z',
	acceptedAt: '2026-12-01T10:00:00.000Z',
	editedAt: null,
	deletedAt: null,
	deletedById: null,
	deletedByName: null,
	versions: [{ version: 1, text: 'hello', deleted: false, recordedAt: '2026-12-01T10:00:00.000Z' }]
};

describe.runIf(process.platform === 'linux')('the export process', () => {
	it('writes the ZIP in a process of its own, in the background, gone once closed', async () => {
		const zip = path.join(folder, 'export.zip');
		const writer = await ExportZipWriter.open(zip, ['jsonl']);
		const pid = writer.pid!;
		try {
			expect(pid).not.toBe(process.pid);
			// The launcher (chrt) put it under SCHED_IDLE, the entry added nice 19.
			expect(priorityOf(pid)).toEqual({ nice: 19, policy: SCHED_IDLE });
			await writer.page(Buffer.from(JSON.stringify(message)));
			const bytes = await writer.finish({ messages: 1 });
			expect(bytes).toBeGreaterThan(0);
		} finally {
			await writer.close();
		}
		expect(existsSync(`/proc/${pid}`)).toBe(false);
		const entries = unzipSync(readFileSync(zip));
		expect(Object.keys(entries).sort()).toEqual(['manifest.json', 'messages.jsonl']);
		expect(strFromU8(entries['messages.jsonl']!)).toContain('"hello"');
		await expect(writer.page(Buffer.from('{}'))).rejects.toThrow(/closed/);
	});
});
