import https from 'node:https';
import { createTestApp, type TestApp } from './test-app.ts';
import type { DatabaseKind } from './test-database.ts';
import { startSmtpTestServer, type SmtpTestServer } from '../mail/testing/smtp-test-server.ts';
import { startPushReceiver, type PushReceiver } from '../push/testing/push-receiver.ts';

export const DELIVERY_PUBLIC_URL = 'https://chat.example.test';

export interface DeliveryServices {
	smtp: SmtpTestServer;
	receiver: PushReceiver;
	/** The app, its job queue started, sending email to `smtp` and pushes to `receiver`. */
	app: TestApp;
	close(): Promise<void>;
}

/**
 * A test app with real delivery behind it: an SMTP server (smtp-server) and a local HTTPS push
 * service that decrypts what it receives, the job queue running (supervision every second).
 */
export async function startAppWithDelivery(kind: DatabaseKind): Promise<DeliveryServices> {
	const smtp = await startSmtpTestServer();
	const receiver = await startPushReceiver();
	https.globalAgent.options.ca = receiver.certificate;
	const app = await createTestApp(kind, undefined, {
		env: {
			SMTP_URL: smtp.url,
			PUBLIC_URL: DELIVERY_PUBLIC_URL,
			MAIL_FROM: 'ConnectFlow <cf@example.test>',
			PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true',
			JOBS_SUPERVISE_SECONDS: '1'
		}
	});
	await app.jobQueue.start();
	return {
		smtp,
		receiver,
		app,
		close: async () => {
			await app.close();
			await smtp.close();
			await receiver.close();
		}
	};
}
