import { beforeAll, describe, expect, it } from 'vitest';
import { documentName, listMessages } from '#shared/chat/document-schema.ts';
import { availableDatabaseKinds } from '#server/testing/test-database.ts';
import type { SignedInPerson as Person } from '#server/testing/test-app.ts';
import { approvalMessageId } from '#server/approvals/approval.jobs.ts';
import { requestAnnouncementSchema } from '#shared/api/approvals.schema.ts';
import { useCollabHarness, waitFor } from './testing/collab-harness.ts';

const kinds = await availableDatabaseKinds();

/**
 * An approved announcement is published by the server into the announcements channel's
 * document (ApprovalPoster): open copies see it live, it is recorded like any message, under the
 * person who asked, and publishing it again writes nothing.
 */
describe.each(kinds.slice(-1))('approved announcements on the socket on %s', (kind) => {
	const h = useCollabHarness(kind);
	let head: Person;
	let member: Person;
	let announcements: string;

	beforeAll(async () => {
		const org = await h.app.createOrganization('Announce Co');
		const team = await h.app.createTeam(org.admin, 'Platform', 'Engineering');
		[head, member] = await h.app.joinTeam(org, team.id, ['Hedy Head', 'Mia Member']);
		await h.app.people.assign(org.admin, head.user.id, {
			departmentId: team.departmentId,
			role: 'department_head'
		});
		head.user = await h.app.sessionUser(head.user.id);
		member.user = await h.app.sessionUser(member.user.id);
		announcements = (await h.app.channels.list(member.user)).find(
			(c) => c.kind === 'announcements'
		)!.id;
	});

	it('publishes the post once approved, live, recorded, once', async () => {
		const reader = await h.open(head.token, documentName('channel', announcements, 0));
		const asked = await h.app.approvals.requestAnnouncement(
			member.user,
			requestAnnouncementSchema.parse({ text: 'Office closed on Friday' })
		);
		expect(listMessages(reader.doc).map((m) => m.text)).not.toContain('Office closed on Friday');

		const decided = await h.app.approvals.decide(head.user, asked.id, {
			decision: 'approve',
			reason: ''
		});
		expect(decided.effectedAt).not.toBeNull();
		const id = approvalMessageId(asked.id);
		await waitFor(() => listMessages(reader.doc).some((m) => m.id === id), 5_000, 'the post');
		const post = listMessages(reader.doc).find((m) => m.id === id)!;
		expect(post).toMatchObject({ text: 'Office closed on Friday', authorId: member.user.id });
		await h.collab.idle();
		const recorded = await h.app.database.sql<{ authorId: string }[]>`
			select author_id as "authorId" from messages where id = ${id} and channel_id = ${announcements}`;
		expect(recorded).toEqual([{ authorId: member.user.id }]);

		// The job running again (a retry after a crash before it marked the request done) finds
		// the post there and writes nothing.
		await h.app.database
			.sql`update approval_requests set effected_at = null where id = ${asked.id}`;
		await h.app.approvals.publish(asked.id);
		await h.collab.idle();
		expect(listMessages(reader.doc).filter((m) => m.id === id)).toHaveLength(1);
		const again = await h.app.database.sql`select 1 from messages where id = ${id}`;
		expect(again).toHaveLength(1);
		expect((await h.app.approvals.approvals.find(asked.id))?.effectedAt).not.toBeNull();
	});
});
