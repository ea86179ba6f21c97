import type { Transporter } from 'nodemailer';
import type { Logger } from '../logging/logger.ts';
import type { ComposedEmail } from './digest.ts';

export type SendOutcome = { sent: true; messageId: string } | { sent: false; reason: 'disabled' };

/**
 * Sends email over SMTP (nodemailer) to the server named by SMTP_URL. Without SMTP_URL the
 * mailer is disabled: `send` sends nothing and says so, and that is logged once, not per email.
 */
export class Mailer {
	readonly #smtpUrl: string | null;
	/** Made at the first email: nodemailer is loaded only by a server that sends some. */
	#transport: Promise<Transporter> | undefined;
	readonly #from: string;
	readonly #log: Logger;
	#saidDisabled = false;

	constructor(options: { smtpUrl: string | undefined; from: string; logger: Logger }) {
		this.#from = options.from;
		this.#log = options.logger;
		// Pooled: a batch of digests reuses a few connections instead of one per email.
		this.#smtpUrl = options.smtpUrl ? withPool(options.smtpUrl) : null;
	}

	get enabled(): boolean {
		return this.#smtpUrl !== null;
	}

	async send(email: ComposedEmail): Promise<SendOutcome> {
		const smtpUrl = this.#smtpUrl;
		if (!smtpUrl) return this.disabled();
		this.#transport ??= import('nodemailer').then(({ default: nodemailer }) =>
			nodemailer.createTransport(smtpUrl)
		);
		const transport = await this.#transport;
		const info = (await transport.sendMail({
			from: this.#from,
			to: email.to,
			subject: email.subject,
			text: email.text,
			html: email.html,
			headers: email.headers
		})) as { messageId: string };
		return { sent: true, messageId: info.messageId };
	}

	/** The answer of a disabled mailer; says why once per process. */
	disabled(): { sent: false; reason: 'disabled' } {
		if (!this.#saidDisabled) {
			this.#saidDisabled = true;
			this.#log.info('email is off: SMTP_URL is not set, no notification email is sent');
		}
		return { sent: false, reason: 'disabled' };
	}

	close(): void {
		void this.#transport?.then((transport) => transport.close());
	}
}

/** The URL with `pool=true` unless it says already whether to pool. */
function withPool(url: string): string {
	if (url.includes('pool=')) return url;
	return `${url}${url.includes('?') ? '&' : '?'}pool=true`;
}
