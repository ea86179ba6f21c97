import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface ReceivedMail {
	/** The envelope's recipients (RCPT TO). */
	to: string[];
	/** The raw message as it came over SMTP. */
	raw: string;
	parsed: ParsedMail;
}

export interface SmtpTestServer {
	/** smtp://127.0.0.1:<port>, for SMTP_URL. */
	url: string;
	received: ReceivedMail[];
	/** Resolves once `count` messages have arrived (or rejects after `timeoutMs`). */
	waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
	close(): Promise<void>;
}

export interface SmtpTestServerOptions {
	/** The port to listen on; a free one when left out. */
	port?: number;
	/** A file the server process also appends each message to (a JSON line, raw in base64). */
	outbox?: string;
}

/** One line of the server process's outbox (and of its stdout). */
export interface OutboxLine {
	to: string[];
	/** The raw message, base64. */
	raw: string;
}

const script = path.join(
	path.dirname(fileURLToPath(import.meta.url)),
	'smtp-test-server.process.ts'
);

/** Parses what the server process wrote of one message. */
export async function readOutboxLine(line: string): Promise<ReceivedMail> {
	const { to, raw } = JSON.parse(line) as OutboxLine;
	const bytes = Buffer.from(raw, 'base64');
	return { to, raw: bytes.toString('utf8'), parsed: await simpleParser(bytes) };
}

/**
 * A real SMTP server (smtp-server) in a process of its own (smtp-test-server.process.ts), on a
 * loopback port: it accepts any sender and recipient without authentication, and every message
 * it receives comes back here over its stdout, parsed by mailparser, for the test to read. A
 * separate process, as a mail server is: the app under test talks to it only over SMTP. Only
 * for tests.
 */
export async function startSmtpTestServer(
	options: SmtpTestServerOptions = {}
): Promise<SmtpTestServer> {
	const child = spawn(
		process.execPath,
		[script, String(options.port ?? 0), ...(options.outbox ? [options.outbox] : [])],
		{ stdio: ['pipe', 'pipe', 'pipe'] }
	);
	let errors = '';
	child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
	const received: ReceivedMail[] = [];
	const waiters = new Set<() => void>();
	// Parsed one after another, so that `received` keeps the order the messages came in.
	let parsing = Promise.resolve();
	const lines = readline.createInterface({ input: child.stdout });
	const listening = new Promise<number>((resolve, reject) => {
		child.once('exit', (code) =>
			reject(new Error(`the test SMTP server exited (${code}) before listening: ${errors}`))
		);
		lines.on('line', (line) => {
			if (line.startsWith('{"port"')) {
				resolve((JSON.parse(line) as { port: number }).port);
				return;
			}
			parsing = parsing.then(async () => {
				received.push(await readOutboxLine(line));
				for (const wake of waiters) wake();
			});
		});
	});
	const port = await listening;
	return {
		url: `smtp://127.0.0.1:${port}`,
		received,
		waitFor(count, timeoutMs = 10_000) {
			return new Promise((resolve, reject) => {
				const check = () => {
					if (received.length < count) return;
					clearTimeout(timer);
					waiters.delete(check);
					resolve(received.slice());
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(new Error(`${received.length} of ${count} emails arrived in ${timeoutMs} ms`));
				}, timeoutMs);
				waiters.add(check);
				check();
			});
		},
		async close() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = once(child, 'exit');
			child.stdin.end();
			await exited;
			await parsing;
		}
	};
}
