import { z } from 'zod';
import type { DomainEventMap } from '../events.ts';
import { defineJobKind, type JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../logging/logger.ts';
import type { EmailNotificationService } from '../mail/email-notifications.service.ts';
import type { PushSender } from '../push/push.service.ts';
import type { AwayDeliveryRepository, PushedNotification } from './away-delivery.repository.ts';

/**
 * What reaches people who are not looking: an email of what they missed in a conversation, and
 * a push to their browsers. Both only when the person is active on no device (the caller, which
 * holds the presence of every process, says so) and not in their quiet hours.
 *
 * Email is batched per person and conversation: the first notification of a batching interval
 * schedules one job (its id names the person, conversation and interval, so the others schedule
 * nothing, in any process), which runs when the interval is over, takes what is still unread and
 * was in no email, and sends one email. What the person read meanwhile, on any device, is not in
 * it; if nothing is left, nothing is sent. The job is kept in the database: a restart between
 * scheduling and sending loses nothing, and its claim keeps a retry from sending twice.
 */
export const sendMissedMessagesEmail = defineJobKind({
	name: 'notifications.email-missed',
	title: 'Email of missed messages',
	schema: z.object({ personId: z.uuid(), channelId: z.uuid() }),
	options: {
		retryLimit: 5,
		retryDelay: 30,
		// An @channel in a big channel makes one job per person, all due together: without
		// draining, a worker takes one every polling interval (2 s), so 1,000 people's emails
		// took over half an hour (bench scenario 11: 0.5 emails/s). Draining sends them as fast
		// as the jobs run: 26 emails/s.
		burstWhenDueExceeds: 1,
		// Four at once: on Postgres a job mostly waits on round trips (queries, SMTP), and four
		// sent 38.7 emails/s against 17.7 for one (scenario 11, 300 people). On PGlite, whose one
		// session the jobs share, four were as fast as one (25.8 against 26.1/s) and no slower.
		// The mailer's pool keeps up to five SMTP connections, so four sends go out together.
		concurrency: 4
	}
});

export type NotificationCreated = DomainEventMap['notification.created'];

interface AwayDeliveryDeps {
	repository: AwayDeliveryRepository;
	jobs: JobQueue;
	email: EmailNotificationService;
	push: PushSender;
	logger: Logger;
}

export class AwayDelivery {
	private readonly deps: AwayDeliveryDeps;

	constructor(deps: AwayDeliveryDeps) {
		this.deps = deps;
	}

	/** A notification was made; `active` says whether the person is active on any device. */
	async notified(notification: NotificationCreated, active: boolean): Promise<void> {
		if (active || notification.heldByDnd) return;
		await Promise.all([this.scheduleEmail(notification), this.pushNow(notification)]);
	}

	/** Notifications were read somewhere: what a browser shows of their conversations closes. */
	async read(personId: string, notificationIds: string[]): Promise<void> {
		const channels = await this.deps.repository.channelsOf(personId, notificationIds);
		await Promise.all(
			channels.map((channelId) => this.deps.push.closeForPerson(personId, channelId))
		);
	}

	/** Runs an email job: one email of what is still unread in the conversation. */
	async sendEmail(data: { personId: string; channelId: string }, jobId: string): Promise<void> {
		const { repository, email, logger } = this.deps;
		const context = await repository.context(data.personId, data.channelId);
		if (!context) return;
		const messages = await repository.claimForEmail(data.personId, data.channelId, jobId);
		if (messages.length === 0) return;
		const outcome = await email.sendMissedMessages({
			...context,
			messages: messages.map((message) => ({
				id: message.messageId ?? message.id,
				authorName: message.authorName,
				text: message.text,
				sentAt: message.sentAt
			}))
		});
		logger.info(
			{ personId: data.personId, channelId: data.channelId, messages: messages.length, outcome },
			'missed messages email'
		);
	}

	private async scheduleEmail(notification: NotificationCreated): Promise<void> {
		const seconds = await this.deps.email.batchSeconds(notification.personId);
		const interval = seconds * 1000;
		const window = Math.floor(Date.now() / interval);
		const scheduled = await this.deps.jobs.schedule(
			sendMissedMessagesEmail,
			{ personId: notification.personId, channelId: notification.channelId },
			{
				startAfter: new Date(Date.now() + interval),
				id: `${notification.personId}:${notification.channelId}:${seconds}:${window}`
			}
		);
		if (scheduled) {
			this.deps.logger.info(
				{ personId: notification.personId, channelId: notification.channelId, seconds },
				'missed messages email scheduled'
			);
		}
	}

	private async pushNow(notification: NotificationCreated): Promise<void> {
		const shown = await this.deps.repository.forPush(notification.notificationId);
		if (!shown) return;
		await this.deps.push.sendToPerson(notification.personId, {
			channelId: shown.channelId,
			// An approval request's or decision's id is the request's, not a message to open at: a
			// click opens the approvals page.
			...(aboutRequest(shown)
				? { path: '/approvals' }
				: { messageId: shown.messageId ?? undefined }),
			title: pushTitle(shown),
			body: shown.snippet || pushFallbackBody(shown),
			urgency: shown.reason === 'direct' || shown.reason === 'mention' ? 'high' : 'normal'
		});
	}
}

const aboutRequest = (shown: PushedNotification) =>
	shown.reason === 'approval' || shown.reason === 'approval-request';

function pushTitle(shown: PushedNotification): string {
	const who = shown.actorName ?? 'Someone';
	if (shown.channelKind === 'dm') return who;
	return `${who} in #${shown.channelName}`;
}

function pushFallbackBody(shown: PushedNotification): string {
	if (shown.reason === 'breakout') return 'invited you to a breakout room';
	return shown.reason === 'invitation' ? 'added you to this conversation' : 'sent a message';
}

/** Registers the email job's handler (app-context.ts). */
export function registerDeliveryJobs(jobs: JobQueue, delivery: AwayDelivery): void {
	jobs.work(sendMissedMessagesEmail, (data, job) => delivery.sendEmail(data, job.id));
}
