/**
 * The test SMTP server's own process (started by smtp-test-server.ts with process.execPath): a
 * real SMTP server (smtp-server) on loopback that accepts any sender and recipient without
 * authentication. It prints one JSON line when it listens, `{"port":…}`, then one per message
 * it received, `{"to":[…],"raw":"<base64>"}`, before it answers the sender: once the sender's
 * SMTP transaction is over, the message is on stdout. With an outbox file as second argument it
 * also appends each message line there, for readers in other processes (the browser tests).
 * It ends when its parent closes its stdin (or dies): no server outlives the tests.
 *
 * Arguments: <port, 0 for a free one> [outbox file]. Only for tests.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const port = Number(process.argv[2] ?? 0);
const outbox = process.argv[3];

const server = new SMTPServer({
	authOptional: true,
	// Plain SMTP on loopback: no certificate to make, and nodemailer then sends as is.
	disabledCommands: ['STARTTLS', 'AUTH'],
	logger: false,
	onData(stream, session, callback) {
		const chunks: Buffer[] = [];
		stream.on('data', (chunk: Buffer) => chunks.push(chunk));
		stream.on('error', (error: Error) => callback(error));
		stream.on('end', () => {
			const line = JSON.stringify({
				to: session.envelope.rcptTo.map((recipient) => recipient.address),
				raw: Buffer.concat(chunks).toString('base64')
			});
			if (outbox) fs.appendFileSync(outbox, `${line}\n`);
			process.stdout.write(`${line}\n`, () => callback());
		});
	}
});

server.listen(port, '127.0.0.1', () => {
	const address = server.server.address() as AddressInfo;
	process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
server.on('error', (error: Error) => {
	process.stderr.write(`test SMTP server: ${error.message}\n`);
	process.exit(1);
});

process.stdin.resume();
process.stdin.on('end', () => server.close(() => process.exit(0)));
