import type { Sql } from '../db/database.ts';
import { AppError, notFound } from '../errors.ts';
import { DomainServiceWith } from '../domain-service.ts';
import type { ChannelRepository, ChannelRow } from '../channels/channel.repository.ts';
import { toChannelRef } from '../channels/channel.service.ts';
import type { PeopleRepository } from '../people/people.repository.ts';
import type { FeedService } from '../feed/feed.service.ts';
import type { NotificationService } from '../notifications/notification.service.ts';
import type { StoredNotification } from '../notifications/notification.repository.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../logging/logger.ts';
import { approvalPolicy, channelAccess, type Actor } from '#shared/policy.ts';
import type {
	ApprovalInbox,
	ApprovalKind,
	ApprovalRequest,
	ApproverRole,
	DecideApprovalInput,
	RequestAnnouncementInput,
	RequestGroupInput,
	RequestProjectRoomInput
} from '#shared/api/approvals.schema.ts';
import type { ApprovalRepository, ApprovalRow } from './approval.repository.ts';
import { approvalMessageId, publishApprovedJob } from './approval.jobs.ts';

/** Writes an approved announcement into the channel's document; answers the message's id. */
export type AnnouncementWriter = (post: {
	requestId: string;
	messageId: string;
	channelId: string;
	authorId: string;
	text: string;
}) => Promise<void>;

/** What a decision changed besides the request, to tell once committed. */
interface Effect {
	resultId: string | null;
	effected: boolean;
	/** The conversation the requester's notification is filed under (null: none). */
	notifyIn: ChannelRow | null;
	feedNotified: string[];
	invitations: StoredNotification[];
	after: () => void;
}

const noEffect = (notifyIn: ChannelRow | null): Effect => ({
	resultId: null,
	effected: false,
	notifyIn,
	feedNotified: [],
	invitations: [],
	after: () => {}
});

/**
 * Approval workflows (issue 18): requests for what needs someone's yes, routed by org position to
 * the person who decides (the requester's Team Manager, their Department Head, a private group's
 * owner, else the organization's Super Admins), decided with a reason, audited, told to the
 * requester, and carried out by the decision itself: the room is made, the person joins, the
 * person is admitted; an announcement is published by a job into the channel's document.
 */
export class ApprovalService extends DomainServiceWith<{
	approvals: ApprovalRepository;
	channels: ChannelRepository;
	people: PeopleRepository;
	feed: FeedService;
	notifications: NotificationService;
	jobs: JobQueue;
	log: Logger;
}>() {
	/** The collaboration server's writer of approved announcements (null where none runs). */
	#writer: AnnouncementWriter | null = null;

	// ——— Asking ———

	async requestProjectRoom(actor: Actor, input: RequestProjectRoomInput): Promise<ApprovalRequest> {
		if (!approvalPolicy.askProjectRoom(actor)) {
			throw new AppError('ALREADY_ALLOWED', 'You may create project rooms yourself.');
		}
		const memberIds = await this.requireColleagues(
			actor,
			input.memberIds.filter((id) => id !== actor.id)
		);
		const route = await this.routeByPosition(actor, ['team_manager', 'department_head']);
		return this.ask(actor, {
			kind: 'project_room',
			...route,
			channelId: null,
			payload: {
				name: input.name,
				topic: input.topic,
				memberIds,
				startsAt: input.startsAt ?? null,
				endsAt: input.endsAt
			},
			note: input.note
		});
	}

	async requestGroupMembership(
		actor: Actor,
		channelId: string,
		input: RequestGroupInput
	): Promise<ApprovalRequest> {
		const group = await this.groupToJoin(actor, channelId);
		if (group.member) throw new AppError('ALREADY_ALLOWED', 'You are a member of this group.');
		if (group.pendingRequestId) {
			throw new AppError('CONFLICT', 'You asked already: your request is waiting for a decision.');
		}
		const owner = group.channel.createdBy;
		const ownerIsThere =
			owner !== null &&
			owner !== actor.id &&
			(await this.channels.isExplicitMember(channelId, owner)) &&
			(await this.people.find(owner))?.status === 'active';
		return this.ask(actor, {
			kind: 'private_group',
			approverId: ownerIsThere ? owner : null,
			approverRole: ownerIsThere ? 'group_owner' : 'super_admin',
			channelId,
			payload: {},
			note: input.note
		});
	}

	async requestAnnouncement(
		actor: Actor,
		input: RequestAnnouncementInput
	): Promise<ApprovalRequest> {
		const channelId = await this.approvals.announcementsChannel(actor.orgId);
		const channel = channelId ? await this.channels.find(channelId) : null;
		if (!channel) throw notFound('The announcements channel');
		const access = channelAccess(actor, toChannelRef(channel), false);
		if (!approvalPolicy.askAnnouncement(actor, access)) {
			throw new AppError('ALREADY_ALLOWED', 'You may post announcements yourself.');
		}
		const route = await this.routeByPosition(actor, ['department_head']);
		return this.ask(actor, {
			kind: 'announcement',
			...route,
			channelId: channel.id,
			payload: { text: input.text },
			note: input.note
		});
	}

	/**
	 * A person who joined while the organization approves new members, inside the registration's
	 * transaction: their request goes to the Super Admins. Answers what tells them, to run once
	 * committed.
	 */
	async organizationJoinRequested(
		tx: Sql,
		person: { id: string; orgId: string }
	): Promise<() => void> {
		const id = await this.approvals.insert(
			{
				orgId: person.orgId,
				kind: 'organization',
				requesterId: person.id,
				approverId: null,
				approverRole: 'super_admin',
				channelId: null,
				payload: {},
				note: ''
			},
			tx
		);
		if (!id) return () => {};
		const { told, asked } = await this.announceRequest(tx, id);
		return () => {
			this.feed.notify(told);
			this.notifications.announce(asked);
		};
	}

	/**
	 * A private group the person is not in, reached by its link: whether they are in it and their
	 * open request. Anything else (another kind, another organization, an archived group) is not
	 * found, as an unknown id is.
	 */
	async groupToJoin(
		actor: Actor,
		channelId: string
	): Promise<{ channel: ChannelRow; member: boolean; pendingRequestId: string | null }> {
		const channel = await this.channels.find(channelId);
		if (
			!channel ||
			channel.orgId !== actor.orgId ||
			channel.kind !== 'private' ||
			channel.archivedAt !== null ||
			actor.status !== 'active'
		) {
			throw notFound('That group');
		}
		const member = await this.channels.isExplicitMember(channelId, actor.id);
		const pendingRequestId = member
			? null
			: await this.approvals.openJoin(actor.id, 'private_group', channelId);
		return { channel, member, pendingRequestId };
	}

	private async ask(
		actor: Actor,
		request: {
			kind: ApprovalKind;
			approverId: string | null;
			approverRole: ApproverRole;
			channelId: string | null;
			payload: Record<string, unknown>;
			note: string;
		}
	): Promise<ApprovalRequest> {
		let told: string[] = [];
		let asked: StoredNotification[] = [];
		const id = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const inserted = await this.approvals.insert(
				{ orgId: actor.orgId, requesterId: actor.id, ...request },
				sql
			);
			if (!inserted) {
				throw new AppError(
					'CONFLICT',
					'You asked already: your request is waiting for a decision.'
				);
			}
			await this.audited(sql, actor, {
				action: 'approval.request',
				targetType: 'approval_request',
				targetId: inserted,
				after: {
					kind: request.kind,
					approverId: request.approverId,
					approverRole: request.approverRole,
					channelId: request.channelId
				}
			});
			({ told, asked } = await this.announceRequest(sql, inserted));
			return inserted;
		});
		this.feed.notify(told);
		this.notifications.announce(asked);
		this.log.info({ requestId: id, kind: request.kind }, 'approval requested');
		return toApproval((await this.approvals.find(id))!);
	}

	/**
	 * The first active person holding one of `roles` over the actor's place (their team's manager,
	 * their department's head), never the actor; else the organization's Super Admins.
	 */
	private async routeByPosition(
		actor: Actor,
		roles: ('team_manager' | 'department_head')[]
	): Promise<{ approverId: string | null; approverRole: ApproverRole }> {
		for (const role of roles) {
			const place = role === 'team_manager' ? actor.teamId : actor.departmentId;
			if (!place) continue;
			const found = (await this.approvals.approversAt(actor.orgId, role, place)).find(
				(id) => id !== actor.id
			);
			if (found) return { approverId: found, approverRole: role };
		}
		return { approverId: null, approverRole: 'super_admin' };
	}

	/**
	 * Tells those who decide the request (its approver, or every active Super Admin when it went
	 * to them) and `others` that it changed: their badge and lists are read again.
	 */
	private async tellChanged(
		sql: Sql,
		orgId: string,
		requestId: string,
		approverId: string | null,
		others: string[]
	): Promise<string[]> {
		const deciders = await this.deciders(sql, orgId, approverId);
		const people = [...new Set([...deciders, ...others])];
		return this.feed.tell(sql, people, { kind: 'approvals.changed', data: { requestId } });
	}

	/** Those who decide a request: its approver, or every active Super Admin when it went to them. */
	private async deciders(sql: Sql, orgId: string, approverId: string | null): Promise<string[]> {
		return approverId ? [approverId] : this.approvals.activeSuperAdmins(orgId, sql);
	}

	/**
	 * A new request, inside its transaction: its deciders (read once) are told their inbox changed
	 * and are notified ("Mia asks to join “Leads”"), under the conversation it concerns: the
	 * private group, else Official Announcements (a project room and a join of the organization
	 * have none of their own). Hand both to the feed and `announce` once committed.
	 */
	private async announceRequest(
		sql: Sql,
		requestId: string
	): Promise<{ told: string[]; asked: StoredNotification[] }> {
		const row = (await this.approvals.find(requestId, sql))!;
		const deciders = await this.deciders(sql, row.orgId, row.approverId);
		const told = await this.feed.tell(sql, deciders, {
			kind: 'approvals.changed',
			data: { requestId }
		});
		const channel =
			row.kind === 'private_group' && row.channelId
				? await this.channels.find(row.channelId, sql)
				: await this.announcements(row.orgId, sql);
		const asked = channel
			? await this.notifications.approvalRequested(sql, channel, {
					requestId,
					requesterId: row.requesterId,
					approverIds: deciders,
					text: requestText(row)
				})
			: [];
		return { told, asked };
	}

	/** Only active people of the actor's own organization. */
	private async requireColleagues(actor: Actor, ids: string[]): Promise<string[]> {
		const unique = [...new Set(ids)];
		if (unique.length === 0) return [];
		const sql = this.database.sql;
		const rows = await sql<{ id: string }[]>`
			select id from users where org_id = ${actor.orgId} and status = 'active'
				and id in ${sql(unique)}`;
		if (rows.length !== unique.length) throw notFound('One of those people');
		return unique;
	}

	// ——— Lists ———

	async inbox(actor: Actor): Promise<ApprovalInbox> {
		const superAdmin = isSuperAdmin(actor);
		const [pending, decided] = await Promise.all([
			this.approvals.pendingFor(actor.orgId, actor.id, superAdmin),
			this.approvals.decidedBy(actor.id)
		]);
		return { pending: pending.map(toApproval), decided: decided.map(toApproval) };
	}

	/** The navigation's badge: requests waiting for the person's decision. */
	pendingCount(actor: Actor): Promise<number> {
		if (actor.status !== 'active') return Promise.resolve(0);
		return this.approvals.pendingCount(actor.orgId, actor.id, isSuperAdmin(actor));
	}

	/** A private group's name stays unseen by its asker until they are let in. */
	async mine(actor: Actor): Promise<ApprovalRequest[]> {
		return (await this.approvals.byRequester(actor.id)).map((row) => {
			const request = toApproval(row);
			if (row.kind !== 'private_group' || row.status === 'approved') return request;
			return { ...request, subject: 'A private group' };
		});
	}

	// ——— Deciding ———

	async decide(actor: Actor, id: string, input: DecideApprovalInput): Promise<ApprovalRequest> {
		const row = await this.approvals.find(id);
		if (!row || row.orgId !== actor.orgId) throw notFound('That request');
		const refusal = approvalPolicy.decideRefusal(actor, row);
		if (refusal === 'OWN_REQUEST') {
			throw new AppError('OWN_REQUEST', 'You cannot decide your own request.');
		}
		if (refusal === 'NOT_APPROVER') {
			throw new AppError('NOT_APPROVER', 'This request is for someone else to decide.');
		}
		return this.settle(actor, row, input);
	}

	/**
	 * The People page's approval or decline of a person waiting to join the organization: their
	 * open request is decided by it (audited, the person told, the other Super Admins' reminders
	 * read), as in the inbox. The page's own rule says who may (a Department Head too). Answers
	 * null when the person has no open request (they joined before requests were kept).
	 */
	async decideJoin(
		actor: Actor,
		personId: string,
		decision: DecideApprovalInput['decision']
	): Promise<ApprovalRequest | null> {
		const id = await this.approvals.openJoin(personId, 'organization', null);
		const row = id ? await this.approvals.find(id) : null;
		if (!row || row.orgId !== actor.orgId) return null;
		if (row.requesterId === actor.id) {
			throw new AppError('OWN_REQUEST', 'You cannot decide your own request.');
		}
		return this.settle(actor, row, { decision, reason: '' });
	}

	/** Decides a request the actor may decide: locked, carried out, audited and told at once. */
	private async settle(
		actor: Actor,
		row: ApprovalRow,
		input: DecideApprovalInput
	): Promise<ApprovalRequest> {
		const id = row.id;
		const approve = input.decision === 'approve';
		let effect: Effect = noEffect(null);
		let notified: StoredNotification[] = [];
		let told: string[] = [];
		let settled = () => {};
		await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			const status = await this.approvals.lock(id, sql);
			const person = await this.people.find(row.requesterId, sql);
			const stale = row.kind === 'organization' && person?.status !== 'pending';
			if (status !== 'pending' || stale) {
				throw new AppError('ALREADY_DECIDED', 'This request has been decided already.');
			}
			effect = approve ? await this.carryOut(sql, actor, row) : await this.rejected(sql, row);
			await this.approvals.decide(
				id,
				{
					status: approve ? 'approved' : 'rejected',
					decidedBy: actor.id,
					reason: input.reason,
					resultId: effect.resultId,
					effected: effect.effected
				},
				sql
			);
			await this.audited(sql, actor, {
				action: approve ? 'approval.approve' : 'approval.reject',
				targetType: 'approval_request',
				targetId: id,
				before: { status: 'pending', kind: row.kind, requesterId: row.requesterId },
				after: {
					status: approve ? 'approved' : 'rejected',
					reason: input.reason,
					resultId: effect.resultId,
					channelId: row.channelId
				}
			});
			told = await this.tellChanged(sql, row.orgId, id, row.approverId, [
				row.requesterId,
				actor.id
			]);
			settled = await this.notifications.approvalSettled(sql, id);
			if (effect.notifyIn) {
				notified = await this.notifications.approvalDecided(sql, effect.notifyIn, {
					requestId: id,
					requesterId: row.requesterId,
					deciderId: actor.id,
					text: decisionText(row, approve, input.reason)
				});
			}
		});
		this.feed.notify([...effect.feedNotified, ...told]);
		this.notifications.announce([...effect.invitations, ...notified]);
		settled();
		effect.after();
		this.log.info({ requestId: id, kind: row.kind, approve }, 'approval decided');
		if (approve && row.kind === 'announcement') await this.schedulePublish(id);
		return toApproval((await this.approvals.find(id))!);
	}

	/** What an approved request does, inside the decision's transaction. */
	private async carryOut(sql: Sql, actor: Actor, row: ApprovalRow): Promise<Effect> {
		const announcements = await this.announcements(row.orgId, sql);
		switch (row.kind) {
			case 'project_room': {
				const payload = row.payload as {
					name: string;
					topic: string;
					memberIds: string[];
					startsAt: string | null;
					endsAt: string;
				};
				const invited = await this.stillActive(row.orgId, payload.memberIds, sql);
				const channel = await this.channels.insert(
					{
						orgId: row.orgId,
						kind: 'project',
						name: payload.name,
						topic: payload.topic,
						startsAt: payload.startsAt ? new Date(payload.startsAt) : null,
						endsAt: new Date(payload.endsAt),
						createdBy: row.requesterId
					},
					sql
				);
				const memberIds = [row.requesterId, ...invited.filter((id) => id !== row.requesterId)];
				await this.channels.addMembers(channel.id, memberIds, row.requesterId, sql);
				await this.audited(sql, actor, {
					action: 'channel.create',
					targetType: 'channel',
					targetId: channel.id,
					after: { name: channel.name, kind: channel.kind, memberIds, approvalId: row.id }
				});
				return {
					resultId: channel.id,
					effected: true,
					notifyIn: channel,
					feedNotified: await this.feed.conversationAdded(sql, channel.id, memberIds),
					invitations: await this.notifications.invited(sql, channel, row.requesterId, memberIds),
					after: () => {}
				};
			}
			case 'private_group': {
				const group = row.channelId ? await this.channels.find(row.channelId, sql) : null;
				if (!group || group.archivedAt !== null) {
					throw new AppError('CONFLICT', 'That group is archived or gone.');
				}
				const person = await this.people.find(row.requesterId, sql);
				if (person?.status !== 'active') {
					throw new AppError('CONFLICT', 'That person is no longer active.');
				}
				await this.channels.addMembers(group.id, [row.requesterId], actor.id, sql);
				await this.audited(sql, actor, {
					action: 'channel.members.add',
					targetType: 'channel',
					targetId: group.id,
					after: { userIds: [row.requesterId], approvalId: row.id }
				});
				return {
					resultId: group.id,
					effected: true,
					notifyIn: group,
					feedNotified: await this.feed.conversationAdded(sql, group.id, [row.requesterId]),
					invitations: [],
					after: () =>
						this.events.emit('channel.changed', { orgId: row.orgId, channelId: group.id })
				};
			}
			case 'announcement':
				// Published by the job once committed (schedulePublish): into the document, by the
				// collaboration server.
				return noEffect(announcements);
			case 'organization': {
				const before = await this.people.find(row.requesterId, sql);
				const after = await this.people.update(row.requesterId, { status: 'active' }, sql);
				await this.audited(sql, actor, {
					action: 'person.approve',
					targetType: 'person',
					targetId: row.requesterId,
					before: { status: before?.status },
					after: { status: after.status, approvalId: row.id }
				});
				return {
					...noEffect(announcements),
					resultId: row.requesterId,
					effected: true,
					after: () => {
						this.events.emit('person.changed', { orgId: row.orgId, personId: row.requesterId });
						this.events.emit('structure.changed', { orgId: row.orgId });
					}
				};
			}
		}
	}

	/**
	 * A rejection: nothing is made. A person who asked to join the organization is turned away
	 * (deactivated: they cannot sign in, and a Super Admin may still reactivate them); the others
	 * are told under Official Announcements, which everyone reads (a group they were refused
	 * stays unseen).
	 */
	private async rejected(sql: Sql, row: ApprovalRow): Promise<Effect> {
		if (row.kind === 'organization') {
			await this.people.update(row.requesterId, { status: 'deactivated' }, sql);
			return {
				...noEffect(null),
				after: () =>
					this.events.emit('person.changed', { orgId: row.orgId, personId: row.requesterId })
			};
		}
		return noEffect(await this.announcements(row.orgId, sql));
	}

	private async announcements(orgId: string, sql: Sql): Promise<ChannelRow | null> {
		const id = await this.approvals.announcementsChannel(orgId, sql);
		return id ? this.channels.find(id, sql) : null;
	}

	private async stillActive(orgId: string, ids: string[], sql: Sql): Promise<string[]> {
		if (ids.length === 0) return [];
		const rows = await sql<{ id: string }[]>`
			select id from users where org_id = ${orgId} and status = 'active' and id in ${sql(ids)}`;
		return rows.map((r) => r.id);
	}

	// ——— Publishing approved announcements ———

	/** Registers the writer of approved announcements; answers what puts back the one before. */
	publishWith(writer: AnnouncementWriter): () => void {
		const before = this.#writer;
		this.#writer = writer;
		return () => {
			if (this.#writer === writer) this.#writer = before;
		};
	}

	/**
	 * The job (durable, retried), and at once in a process that serves the documents (so the
	 * approver's answer already finds it published). Both may run: the message's id is derived
	 * from the request's, so the second finds it and writes nothing.
	 */
	private async schedulePublish(id: string): Promise<void> {
		await this.jobs.schedule(publishApprovedJob, { requestId: id }, { id });
		if (this.#writer) {
			await this.publish(id).catch((error: unknown) =>
				this.log.warn({ err: error, requestId: id }, 'announcement left to its job')
			);
		}
	}

	/** The job: writes an approved announcement into the channel, once, and marks it done. */
	async publish(requestId: string): Promise<void> {
		const row = await this.approvals.find(requestId);
		if (!row || row.kind !== 'announcement' || row.status !== 'approved' || row.effectedAt) {
			return;
		}
		if (!row.channelId) return;
		if (!this.#writer) {
			// The job is retried; the app process, which serves the documents, runs it.
			throw new Error('No collaboration server in this process to publish the announcement');
		}
		const messageId = approvalMessageId(requestId);
		await this.#writer({
			requestId,
			messageId,
			channelId: row.channelId,
			authorId: row.requesterId,
			text: String((row.payload as { text?: string }).text ?? '')
		});
		await this.approvals.markEffected(requestId, messageId);
		this.log.info({ requestId, messageId }, 'approved announcement published');
	}
}

const isSuperAdmin = (actor: Actor) => actor.role === 'super_admin' && actor.status === 'active';

/** The request in words: what it is about. */
function subjectOf(row: ApprovalRow): string {
	switch (row.kind) {
		case 'project_room':
			return String((row.payload as { name?: string }).name ?? '');
		case 'private_group':
			return row.channelName ?? 'A private group';
		case 'announcement': {
			const text = String((row.payload as { text?: string }).text ?? '');
			const first = text.split('\n')[0]!.trim();
			return first.length > 80 ? `${first.slice(0, 79)}…` : first;
		}
		case 'organization':
			return row.requesterName;
	}
}

/** What a request asks, as its deciders' notification says after the requester's name. */
function requestText(row: ApprovalRow): string {
	const what = {
		project_room: `asks to create the project room “${subjectOf(row)}”`,
		private_group: `asks to join “${subjectOf(row)}”`,
		announcement: `asks to post an announcement: “${subjectOf(row)}”`,
		organization: 'asks to join the organization'
	}[row.kind];
	return row.note ? `${what}: ${row.note}` : what;
}

function decisionText(row: ApprovalRow, approved: boolean, reason: string): string {
	const what = {
		project_room: `project room “${subjectOf(row)}”`,
		// A group one was refused stays unnamed.
		private_group: approved ? `joining “${subjectOf(row)}”` : 'joining a private group',
		announcement: `announcement “${subjectOf(row)}”`,
		organization: 'joining the organization'
	}[row.kind];
	const verdict = approved ? 'Approved' : 'Rejected';
	return reason ? `${verdict}: ${what}. ${reason}` : `${verdict}: ${what}.`;
}

export function toApproval(row: ApprovalRow): ApprovalRequest {
	const payload = row.payload as Record<string, unknown>;
	const details: ApprovalRequest['details'] = {};
	if (row.kind === 'project_room') {
		details.topic = String(payload.topic ?? '');
		details.startsAt = (payload.startsAt as string | null) ?? null;
		details.endsAt = String(payload.endsAt ?? '');
		details.memberCount = Array.isArray(payload.memberIds) ? payload.memberIds.length : 0;
	} else if (row.kind === 'announcement') {
		details.text = String(payload.text ?? '');
	} else if (row.kind === 'organization') {
		details.email = row.requesterEmail;
	}
	return {
		id: row.id,
		kind: row.kind,
		status: row.status,
		requester: { id: row.requesterId, name: row.requesterName, title: row.requesterTitle },
		approver: row.approverId ? { id: row.approverId, name: row.approverName ?? '' } : null,
		approverRole: row.approverRole,
		subject: subjectOf(row),
		channelId: row.kind === 'project_room' ? row.resultId : row.channelId,
		details,
		note: row.note,
		reason: row.reason,
		decidedBy: row.decidedBy ? { id: row.decidedBy, name: row.decidedByName ?? '' } : null,
		decidedAt: row.decidedAt?.toISOString() ?? null,
		effectedAt: row.effectedAt?.toISOString() ?? null,
		createdAt: row.createdAt.toISOString()
	};
}
