import fs from 'node:fs';
import path from 'node:path';
import { startSmtpTestServer } from '#server/mail/testing/smtp-test-server.ts';
import { SMTP_OUTBOX, SMTP_PORT } from './support/mail.ts';

/**
 * Before the shared e2e server starts (Playwright runs globalSetup first): the test SMTP server
 * process it sends notification emails to, with an empty outbox. Stopped after the run.
 */
export default async function globalSetup() {
	fs.mkdirSync(path.dirname(SMTP_OUTBOX), { recursive: true });
	fs.rmSync(SMTP_OUTBOX, { force: true });
	const smtp = await startSmtpTestServer({ port: SMTP_PORT, outbox: SMTP_OUTBOX });
	return () => smtp.close();
}
