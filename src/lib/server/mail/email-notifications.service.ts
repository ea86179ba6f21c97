import type { SessionUser } from '#shared/api/auth.schema.ts';
import {
	emailBatchChoices,
	type EmailSettings,
	type EmailSettingsInput
} from '#shared/api/mail.schema.ts';
import { AppError } from '../errors.ts';
import type { NotificationSettingsRepository } from '../notifications/notification-settings.repository.ts';
import {
	composeMissedMessages,
	type ComposedEmail,
	type DigestConversation,
	type DigestMessage,
	type DigestPerson
} from './digest.ts';
import type { Mailer } from './mailer.ts';
import { UNSUBSCRIBE_TOKEN_DAYS, type SignedTokens } from './unsubscribe-tokens.ts';

export interface MissedMessages {
	person: DigestPerson;
	org: { name: string };
	conversation: DigestConversation;
	messages: readonly DigestMessage[];
}

export type DigestOutcome =
	| { sent: true; messageId: string }
	| { sent: false; reason: 'disabled' | 'opted-out' | 'nothing-to-send' };

interface EmailDeps {
	mailer: Mailer;
	tokens: SignedTokens;
	settings: NotificationSettingsRepository;
	/** The app's public address (PUBLIC_URL, else ORIGIN), for links. */
	publicUrl: string;
	/** The batching interval of people who did not choose one (EMAIL_BATCH_SECONDS). */
	defaultBatchSeconds: number;
}

/**
 * Email notifications: each person's on/off switch, the missed-messages email, and the
 * one-click unsubscribe its links carry. Deciding *when* to send (the person is away, the
 * batching interval, what they read since) belongs to the job that calls `sendMissedMessages`.
 */
export class EmailNotificationService {
	private readonly deps: EmailDeps;

	constructor(deps: EmailDeps) {
		this.deps = deps;
	}

	/** Whether this server sends email at all, whether this person wants it, and how batched. */
	async status(user: SessionUser): Promise<EmailSettings> {
		const [enabled, chosen] = await Promise.all([
			this.deps.settings.emailEnabled(user.id),
			this.deps.settings.emailBatchSeconds(user.id)
		]);
		return {
			available: this.deps.mailer.enabled,
			enabled,
			batchSeconds: chosen ?? this.deps.defaultBatchSeconds,
			batchChosen: chosen !== null
		};
	}

	async setEnabled(user: SessionUser, enabled: boolean): Promise<EmailSettings> {
		await this.deps.settings.setEmailEnabled(user.id, enabled);
		return this.status(user);
	}

	/**
	 * Changes what the input gives and leaves the rest. An interval that is not one of the
	 * choices is refused (VALIDATION_FAILED) before anything is written, also for callers that
	 * did not come through the HTTP contract.
	 */
	async update(user: SessionUser, input: EmailSettingsInput): Promise<EmailSettings> {
		const { enabled, batchSeconds } = input;
		if (
			batchSeconds !== undefined &&
			!(emailBatchChoices as readonly number[]).includes(batchSeconds)
		) {
			throw new AppError('VALIDATION_FAILED', 'Choose 5, 10, 15, 30 or 60 minutes.', {
				details: {
					where: 'body',
					issues: [
						{ path: 'batchSeconds', message: `One of ${emailBatchChoices.join(', ')} seconds.` }
					]
				}
			});
		}
		if (enabled !== undefined) await this.deps.settings.setEmailEnabled(user.id, enabled);
		if (batchSeconds !== undefined) {
			await this.deps.settings.setEmailBatchSeconds(user.id, batchSeconds);
		}
		return this.status(user);
	}

	/** How long this person's email of missed messages waits for more, in seconds. */
	async batchSeconds(personId: string): Promise<number> {
		return (await this.deps.settings.emailBatchSeconds(personId)) ?? this.deps.defaultBatchSeconds;
	}

	/** The one-click unsubscribe URL for a person, valid for UNSUBSCRIBE_TOKEN_DAYS. */
	async unsubscribeUrl(personId: string, now = new Date()): Promise<string> {
		const token = await this.deps.tokens.sign({
			personId,
			purpose: 'unsubscribe-email',
			expiresAt: Math.floor(now.getTime() / 1000) + UNSUBSCRIBE_TOKEN_DAYS * 86_400
		});
		return `${this.deps.publicUrl}/unsubscribe/${token}`;
	}

	async composeMissedMessages(input: MissedMessages): Promise<ComposedEmail> {
		return composeMissedMessages({
			...input,
			baseUrl: this.deps.publicUrl,
			unsubscribeUrl: await this.unsubscribeUrl(input.person.id)
		});
	}

	/**
	 * Sends one email for what the person missed in one conversation. Sends nothing when email
	 * is off on this server, the person turned it off, or there is nothing to tell.
	 */
	async sendMissedMessages(input: MissedMessages): Promise<DigestOutcome> {
		if (input.messages.length === 0) return { sent: false, reason: 'nothing-to-send' };
		if (!this.deps.mailer.enabled) return this.deps.mailer.disabled();
		if (!(await this.deps.settings.emailEnabled(input.person.id))) {
			return { sent: false, reason: 'opted-out' };
		}
		return this.deps.mailer.send(await this.composeMissedMessages(input));
	}

	/** Who an unsubscribe link is for; throws UNSUBSCRIBE_LINK_INVALID / _EXPIRED. */
	async checkUnsubscribe(token: string): Promise<{ personId: string }> {
		const claims = await this.deps.tokens.verify(token, 'unsubscribe-email');
		return { personId: claims.personId };
	}

	/** Turns email off for the link's person; a bad link changes nothing. Idempotent. */
	async unsubscribe(token: string): Promise<{ personId: string }> {
		const { personId } = await this.checkUnsubscribe(token);
		await this.deps.settings.setEmailEnabled(personId, false);
		return { personId };
	}
}
