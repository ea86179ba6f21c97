import fs from 'node:fs';
import path from 'node:path';
import { readOutboxLine, type ReceivedMail } from '#server/mail/testing/smtp-test-server.ts';

/**
 * The SMTP server of the browser tests: a real SMTP server process that global-setup.ts starts
 * before the shared e2e server (whose SMTP_URL points at it, see playwright.config.ts), on a
 * port derived from E2E_PORT so that each run of the suite on this machine has its own. The
 * process appends every message it receives to `SMTP_OUTBOX`, which tests (in other processes)
 * read.
 */
const e2ePort = Number(process.env.E2E_PORT ?? 4173);
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? e2ePort + 10_000);
export const SMTP_URL = `smtp://127.0.0.1:${SMTP_PORT}`;
export const SMTP_OUTBOX = path.resolve('test-results', `e2e-smtp-outbox-${e2ePort}.jsonl`);

/** Every email the test SMTP server received so far, oldest first, parsed by mailparser. */
export async function receivedMail(): Promise<ReceivedMail[]> {
	if (!fs.existsSync(SMTP_OUTBOX)) return [];
	const lines = fs.readFileSync(SMTP_OUTBOX, 'utf8').split('\n').filter(Boolean);
	return Promise.all(lines.map(readOutboxLine));
}

/** The emails received for one address. */
export async function mailTo(address: string): Promise<ReceivedMail[]> {
	return (await receivedMail()).filter((mail) => mail.to.includes(address));
}
