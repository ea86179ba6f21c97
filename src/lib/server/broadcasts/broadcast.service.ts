import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { Sql } from '../db/database.ts';
import { forbidden, notFound } from '../errors.ts';
import { DomainServiceWith } from '../domain-service.ts';
import type { FeedService } from '../feed/feed.service.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../logging/logger.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { PushSender } from '../push/push.service.ts';
import { broadcastPolicy, type Actor } from '#shared/policy.ts';
import {
	BROADCAST_MAX_NOTICES,
	type Acknowledgements,
	type Broadcast,
	type SendBroadcastInput
} from '#shared/api/broadcasts.schema.ts';
import { composeBroadcastEmail } from './broadcast-email.ts';
import type { BroadcastRepository, BroadcastRow } from './broadcast.repository.ts';
import { deliverBroadcastJob, remindBroadcastJob } from './broadcast.jobs.ts';

/** Emails and pushes sent at once by one delivery job. */
const DELIVERY_CONCURRENCY = 8;

/**
 * Emergency broadcasts (issue 18): an urgent message from a Super Admin to the organization or a
 * department, or from a Department Head to their department. Its recipients are fixed when it is
 * sent and stored with it; each gets it on every screen at once (the `broadcast.sent` event of
 * their live feed, kept until read, so a copy that was offline shows it when it syncs), by email
 * and by push whatever their settings (a job), and is reminded until they acknowledge.
 */
export class BroadcastService extends DomainServiceWith<{
	broadcasts: BroadcastRepository;
	feed: FeedService;
	jobs: JobQueue;
	mailer: Mailer;
	push: PushSender;
	publicUrl: string;
	log: Logger;
}>() {
	// ——— What people ask for (the API) ———

	async send(actor: Actor, input: SendBroadcastInput): Promise<Broadcast> {
		const departmentId = input.scope.kind === 'department' ? input.scope.departmentId : null;
		if (!broadcastPolicy.send(actor, { departmentId })) {
			throw forbidden(
				actor.role === 'department_head'
					? 'A Department Head sends broadcasts to their own department only.'
					: 'Only a Super Admin or a Department Head sends emergency broadcasts.'
			);
		}
		if (departmentId && !(await this.broadcasts.departmentOf(actor.orgId, departmentId))) {
			throw notFound('No such department in this organization.');
		}
		const id = randomUUID();
		const recipients = (await this.broadcasts.audience(actor.orgId, departmentId)).filter(
			(userId) => userId !== actor.id
		);
		let told: string[] = [];
		const row = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			await this.broadcasts.insert(
				{
					id,
					orgId: actor.orgId,
					senderId: actor.id,
					departmentId,
					title: input.title,
					body: input.body,
					renotifyMinutes: input.renotifyMinutes
				},
				recipients,
				sql
			);
			const stored = (await this.broadcasts.find(id, sql))!;
			await this.audited(sql, actor, {
				action: 'broadcast.send',
				targetType: 'broadcast',
				targetId: id,
				after: { title: input.title, departmentId, recipients: recipients.length }
			});
			told = await this.feed.tell(sql, recipients, {
				kind: 'broadcast.sent',
				data: { broadcast: toBroadcast(stored) }
			});
			return stored;
		});
		this.feed.notify(told);
		await this.jobs.schedule(
			deliverBroadcastJob,
			{ broadcastId: id, round: 0, userIds: recipients },
			{ id: `${id}:deliver:0` }
		);
		if (input.renotifyMinutes !== null && recipients.length > 0) {
			await this.scheduleReminder(row, 1);
		}
		this.log.info({ broadcastId: id, recipients: recipients.length }, 'broadcast sent');
		return toBroadcast(row);
	}

	/** What the person has not acknowledged yet: the banners their screens show. */
	async pending(actor: Actor): Promise<Broadcast[]> {
		return (await this.broadcasts.pendingFor(actor.id)).map(toBroadcast);
	}

	/** The broadcasts the person may follow: theirs; all of the organization's for a Super Admin. */
	async followed(actor: Actor): Promise<Broadcast[]> {
		const senderId = actor.role === 'super_admin' ? null : actor.id;
		return (await this.broadcasts.ofOrg(actor.orgId, senderId)).map(toBroadcast);
	}

	/**
	 * The person acknowledges a broadcast they received: once (the first moment stays), on all
	 * their screens at once, and the sender's live view counts it.
	 */
	async acknowledge(actor: Actor, broadcastId: string): Promise<{ acknowledgedAt: string }> {
		const broadcast = await this.broadcasts.find(broadcastId);
		if (!broadcast || broadcast.orgId !== actor.orgId) throw notFound('No such broadcast.');
		let told: string[] = [];
		const at = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const acknowledgedAt = await this.broadcasts.acknowledge(broadcastId, actor.id, sql);
			if (!acknowledgedAt) return null;
			const counts = await this.broadcasts.counts(broadcastId, sql);
			told = [
				...(await this.feed.tell(sql, [actor.id], {
					kind: 'broadcast.acknowledged',
					data: { broadcastId }
				})),
				...(await this.feed.tell(sql, [broadcast.senderId], {
					kind: 'broadcast.progress',
					data: { broadcastId, ...counts }
				}))
			];
			return acknowledgedAt;
		});
		if (!at) throw forbidden('This broadcast was not sent to you.');
		this.feed.notify(told);
		return { acknowledgedAt: at.toISOString() };
	}

	/** Who has and has not acknowledged: for the sender and Super Admins. */
	async acknowledgements(actor: Actor, broadcastId: string): Promise<Acknowledgements> {
		const broadcast = await this.followable(actor, broadcastId);
		const recipients = await this.broadcasts.recipients(broadcastId);
		const acknowledged = recipients.filter((person) => person.acknowledgedAt !== null).length;
		return {
			broadcast: toBroadcast(broadcast),
			total: recipients.length,
			acknowledged,
			percent: recipients.length === 0 ? 100 : Math.floor((acknowledged * 100) / recipients.length),
			recipients: recipients.map((person) => ({
				userId: person.userId,
				name: person.name,
				title: person.title,
				acknowledgedAt: person.acknowledgedAt?.toISOString() ?? null,
				notices: person.notices
			}))
		};
	}

	/** The acknowledgements as CSV, one row a recipient. */
	async acknowledgementsCsv(actor: Actor, broadcastId: string): Promise<Response> {
		const broadcast = await this.followable(actor, broadcastId);
		const recipients = await this.broadcasts.recipients(broadcastId);
		const csv = stringify(
			recipients.map((person) => [
				person.name,
				person.title,
				person.email,
				person.acknowledgedAt ? 'yes' : 'no',
				person.acknowledgedAt?.toISOString() ?? '',
				person.notices
			]),
			{
				header: true,
				columns: ['name', 'title', 'email', 'acknowledged', 'acknowledged_at', 'notices']
			}
		);
		const name = `acknowledgements-${broadcast.createdAt.toISOString().slice(0, 10)}-${broadcastId.slice(0, 8)}.csv`;
		return new Response(csv, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${name}"`,
				'cache-control': 'no-store'
			}
		});
	}

	// ——— What the jobs run ———

	/** Email and push to the people named (the recipients, or a reminder's). */
	async deliver(data: { broadcastId: string; round: number; userIds: string[] }): Promise<void> {
		const broadcast = await this.broadcasts.find(data.broadcastId);
		if (!broadcast) return;
		const [people, orgName] = await Promise.all([
			this.broadcasts.contacts(data.userIds),
			this.broadcasts.orgName(broadcast.orgId)
		]);
		const outcome = { emails: 0, pushes: 0, failures: 0 };
		let next = 0;
		const worker = async () => {
			while (next < people.length) {
				const person = people[next++]!;
				const results = await Promise.allSettled([
					this.mailer.send(
						composeBroadcastEmail({
							person,
							orgName: broadcast.departmentName
								? `${broadcast.departmentName}, ${orgName}`
								: orgName,
							senderName: broadcast.senderName,
							broadcast,
							baseUrl: this.publicUrl,
							reminder: data.round > 0
						})
					),
					this.push.sendBroadcast(person.id, broadcast)
				]);
				const [email, push] = results;
				if (email.status === 'fulfilled' && email.value.sent) outcome.emails++;
				if (push.status === 'fulfilled') outcome.pushes += push.value.delivered;
				outcome.failures += results.filter((result) => result.status === 'rejected').length;
			}
		};
		await Promise.all(Array.from({ length: DELIVERY_CONCURRENCY }, worker));
		this.log.info(
			{ broadcastId: broadcast.id, round: data.round, people: people.length, ...outcome },
			'broadcast delivered'
		);
	}

	/**
	 * A reminder round: those who have not acknowledged (and were told fewer than the most
	 * notices) see the banner again, and get the email and push again; the next round is
	 * scheduled while anyone is left.
	 */
	async remind(broadcastId: string, round: number): Promise<void> {
		const broadcast = await this.broadcasts.find(broadcastId);
		if (!broadcast || broadcast.renotifyMinutes === null) return;
		let told: string[] = [];
		const reminded = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const people = await this.broadcasts.remind(broadcastId, BROADCAST_MAX_NOTICES, sql);
			told = await this.feed.tell(sql, people, {
				kind: 'broadcast.sent',
				data: { broadcast: toBroadcast(broadcast) }
			});
			return people;
		});
		this.feed.notify(told);
		if (reminded.length === 0) return;
		await this.jobs.schedule(
			deliverBroadcastJob,
			{ broadcastId, round, userIds: reminded },
			{ id: `${broadcastId}:deliver:${round}` }
		);
		if (round + 1 < BROADCAST_MAX_NOTICES) await this.scheduleReminder(broadcast, round + 1);
	}

	private async scheduleReminder(broadcast: BroadcastRow, round: number): Promise<void> {
		const minutes = broadcast.renotifyMinutes;
		if (minutes === null) return;
		await this.jobs.schedule(
			remindBroadcastJob,
			{ broadcastId: broadcast.id, round },
			{
				id: `${broadcast.id}:remind:${round}`,
				startAfter: new Date(broadcast.createdAt.getTime() + round * minutes * 60_000)
			}
		);
	}

	private async followable(actor: Actor, broadcastId: string): Promise<BroadcastRow> {
		const broadcast = await this.broadcasts.find(broadcastId);
		if (!broadcast || broadcast.orgId !== actor.orgId) throw notFound('No such broadcast.');
		if (!broadcastPolicy.follow(actor, broadcast)) {
			throw forbidden('Only its sender or a Super Admin follows a broadcast’s acknowledgements.');
		}
		return broadcast;
	}
}

export function toBroadcast(row: BroadcastRow): Broadcast {
	return {
		id: row.id,
		title: row.title,
		body: row.body,
		senderId: row.senderId,
		senderName: row.senderName,
		departmentId: row.departmentId,
		departmentName: row.departmentName,
		renotifyMinutes: row.renotifyMinutes,
		createdAt: row.createdAt.toISOString()
	};
}
