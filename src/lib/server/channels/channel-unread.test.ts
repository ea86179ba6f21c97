import { expect, it } from 'vitest';
import { recordedMessage } from '../messages/testing/recorded-message.ts';
import { describeEachApp } from '../testing/each-database.ts';
import { MessageRepository } from '../messages/message.repository.ts';
import type { SessionUser } from '#shared/api/auth.schema.ts';
import type { AssignPersonInput } from '#shared/api/org.schema.ts';

/**
 * The channel list counts, for channels this browser has not opened, what is unread and how
 * much of it mentions the person: by name, @channel, and @team for the people of that team.
 */
describeEachApp('unread and mention counts on %s', (app) => {
	async function organization() {
		const { admin, joinCode } = await app.createOrganization();
		const eng = await app.org.createDepartment(admin, { name: 'Engineering' });
		const platform = await app.org.createTeam(admin, { name: 'Platform', departmentId: eng.id });
		const person = (name: string, placement: AssignPersonInput) =>
			app.joinPlaced({ admin, joinCode }, name, placement);
		const head = await person('Hedy Head', { departmentId: eng.id, role: 'department_head' });
		const manager = await person('Max Manager', { teamId: platform.id, role: 'team_manager' });
		const dev = await person('Dana Dev', { teamId: platform.id, role: 'team_member' });
		const list = await app.channels.list(dev);
		const team = list.find((c) => c.kind === 'team')!.id;
		const department = list.find((c) => c.kind === 'department')!.id;
		return { head, manager, dev, team, department };
	}

	const messages = () => new MessageRepository(app.database.sql);
	let at = Date.parse('2026-03-01T09:00:00Z');

	async function post(
		channelId: string,
		author: SessionUser,
		mentions: string[],
		extra: { threadId?: string; deleted?: boolean; sameMillisecond?: boolean } = {}
	) {
		// Messages of one update are often accepted in the same millisecond.
		if (!extra.sameMillisecond) at += 60_000;
		const message = recordedMessage(at, {
			channelId,
			authorId: author.id,
			threadId: extra.threadId ?? null,
			text: extra.deleted ? '' : `message with ${mentions.join(', ') || 'no mention'}`,
			mentions: extra.deleted ? [] : mentions,
			createdAt: new Date(at + (extra.sameMillisecond ? 1 : 0)),
			deleted: extra.deleted ?? false
		});
		await messages().upsert(message);
		return { id: message.id, at };
	}

	/** The channel's unread and mention counts in the person's channel list are `expected`. */
	async function expectCounts(
		user: SessionUser,
		channelId: string,
		what: string,
		expected: { unread: number; mentions: number }
	) {
		const channel = (await app.channels.list(user)).find((c) => c.id === channelId)!;
		expect({ unread: channel.unread, mentions: channel.mentions }, what).toEqual(expected);
	}

	it('counts personal, @channel and @team mentions apart from plain unread', async () => {
		const o = await organization();
		await post(o.team, o.manager, []);
		const named = await post(o.team, o.manager, [o.dev.id]);
		await post(o.team, o.manager, ['channel']);
		await post(o.team, o.manager, ['team']);
		await post(o.team, o.manager, [o.head.id]);
		// Neither thread replies nor deleted messages count, as in the unread count.
		await post(o.team, o.manager, [o.dev.id], { threadId: named.id });
		await post(o.team, o.manager, [o.dev.id], { deleted: true });
		// One's own mentions are not news.
		await post(o.team, o.dev, ['channel']);

		await expectCounts(o.dev, o.team, 'Platform member: name, @channel, @team', {
			unread: 5,
			mentions: 3
		});
		// The head of the department reads the team's channel but is not in the team.
		await expectCounts(o.head, o.team, 'department head: their name and both @channel', {
			unread: 6,
			mentions: 3
		});

		// Read up to the personal mention: what follows stays unread.
		await messages().recordRead(o.team, o.dev.id, named.id, new Date(named.at));
		await expectCounts(o.dev, o.team, 'after reading up to the mention', {
			unread: 3,
			mentions: 2
		});
		const detail = await app.channels.detail(o.dev, o.team);
		expect({ unread: detail.unread, mentions: detail.mentions }, 'detail').toEqual({
			unread: 3,
			mentions: 2
		});
	});

	it("counts @team in a department channel for the author's team", async () => {
		const o = await organization();
		await post(o.department, o.manager, ['team']);
		// The head has no team: their @team reaches nobody.
		await post(o.department, o.head, ['team']);
		await expectCounts(o.dev, o.department, 'teammate of the author', { unread: 2, mentions: 1 });
		await expectCounts(o.head, o.department, 'head outside the team', { unread: 1, mentions: 0 });
	});

	it('tells apart messages accepted in the same millisecond, in the order the list shows', async () => {
		const o = await organization();
		const first = await post(o.team, o.manager, []);
		const read = await post(o.team, o.manager, [o.dev.id], { sameMillisecond: true });
		// One more accepted in that millisecond, written after the one read: it is news.
		await messages().upsert(
			recordedMessage(read.at, {
				channelId: o.team,
				authorId: o.manager.id,
				text: '@channel after',
				mentions: ['channel'],
				createdAt: new Date(read.at + 2)
			})
		);
		await messages().recordRead(o.team, o.dev.id, first.id, new Date(first.at));
		await expectCounts(o.dev, o.team, 'read the first of three', { unread: 2, mentions: 2 });
		// The mark moves to a later message of the same millisecond.
		await messages().recordRead(o.team, o.dev.id, read.id, new Date(read.at));
		await expectCounts(o.dev, o.team, 'read up to the second', { unread: 1, mentions: 1 });
	});
});
