import { describe, expect, it } from 'vitest';
import type { ListedMessage, Mention } from '$lib/shared/chat/document-schema.ts';
import { listedMessage, numberedId } from '$lib/shared/chat/listing.testing.ts';
import { countUnread, mentionsReader, type MentionScope, type Reader } from './unread-count.ts';

const ANN = numberedId(1, 'aaaaaaaa');
const BEN = numberedId(2, 'bbbbbbbb');
const CAL = numberedId(3, 'cccccccc');
const PLATFORM = numberedId(1, 'dddddddd');
const FIELD = numberedId(2, 'dddddddd');

const ann: Reader = { id: ANN, teamId: PLATFORM };
const teams: Record<string, string | null> = { [ANN]: PLATFORM, [BEN]: PLATFORM, [CAL]: FIELD };
const teamChannel: MentionScope = { channelTeamId: PLATFORM, teamOf: (id) => teams[id] };
const departmentChannel: MentionScope = { channelTeamId: null, teamOf: (id) => teams[id] };

let n = 0;
function message(authorId: string, mentions: Mention[] = [], extra: Partial<ListedMessage> = {}) {
	n++;
	return listedMessage({
		id: numberedId(n),
		authorId,
		text: `message ${n}`,
		createdAt: n * 1000,
		acceptedAt: n * 1000,
		mentions,
		...extra
	});
}

describe('mentionsReader', () => {
	it('takes the name, @channel, and @team for members of the team it names', () => {
		expect(mentionsReader(message(BEN, [ANN]), ann, teamChannel), 'by name').toBe(true);
		expect(mentionsReader(message(BEN, [CAL]), ann, teamChannel), 'someone else').toBe(false);
		expect(mentionsReader(message(BEN, ['channel']), ann, teamChannel), '@channel').toBe(true);
		expect(mentionsReader(message(BEN, ['team']), ann, teamChannel), '@team, member').toBe(true);
		const outsider: Reader = { id: CAL, teamId: FIELD };
		expect(
			mentionsReader(message(BEN, ['team']), outsider, teamChannel),
			'@team of a team channel, read by someone of another team'
		).toBe(false);
		expect(
			mentionsReader(message(BEN, ['team']), { id: CAL, teamId: null }, teamChannel),
			'@team, reader of no team'
		).toBe(false);
	});

	it("takes @team in a department channel as the author's team", () => {
		expect(mentionsReader(message(BEN, ['team']), ann, departmentChannel), 'teammate').toBe(true);
		expect(mentionsReader(message(CAL, ['team']), ann, departmentChannel), 'other team').toBe(
			false
		);
		const unknownAuthor = numberedId(9, 'eeeeeeee');
		expect(
			mentionsReader(message(unknownAuthor, ['team']), ann, departmentChannel),
			'author of unknown team'
		).toBe(false);
	});

	it('never counts one’s own message', () => {
		expect(mentionsReader(message(ANN, [ANN, 'channel']), ann, teamChannel)).toBe(false);
	});
});

describe('countUnread', () => {
	const messages = [
		message(BEN),
		message(BEN, [ANN]),
		message(ANN, ['channel']),
		message(CAL, ['team']),
		message(BEN, ['team']),
		message(BEN, [ANN], { threadId: numberedId(2) }),
		message(BEN, [], { deleted: true }),
		message(CAL, ['channel'])
	];

	it('counts after the mark, mentions apart, and finds the first unread', () => {
		const counts = countUnread(messages, { position: 0, at: 0 }, ann, teamChannel);
		// Unread: #2 (@Ann), #4 (@team, Platform channel), #5 (@team), #8 (@channel); not Ann's
		// own, the thread reply or the deleted one.
		expect(counts, 'after the first message').toEqual({
			unread: 4,
			mentions: 4,
			firstUnreadId: messages[1]!.id
		});
		expect(
			countUnread(messages, { position: 3, at: 0 }, ann, departmentChannel),
			"after #4, in a department channel: Ben's @team is Ann's team"
		).toEqual({ unread: 2, mentions: 2, firstUnreadId: messages[4]!.id });
		expect(
			countUnread(messages, { position: 3, at: 0 }, { id: ANN, teamId: FIELD }, teamChannel),
			'a reader of another team: only @channel'
		).toEqual({ unread: 2, mentions: 1, firstUnreadId: messages[4]!.id });
		expect(
			countUnread(messages, { position: messages.length - 1, at: 0 }, ann, teamChannel),
			'all read'
		).toEqual({ unread: 0, mentions: 0, firstUnreadId: null });
	});

	it('counts by time when the marked message is not loaded', () => {
		const at = messages[3]!.acceptedAt!;
		expect(countUnread(messages, { position: -1, at }, ann, teamChannel)).toEqual({
			unread: 2,
			mentions: 2,
			firstUnreadId: messages[4]!.id
		});
	});

	it("takes the server's figures as the floor without a mark", () => {
		const plain = [message(BEN), message(BEN, [ANN])];
		expect(
			countUnread(plain, { position: undefined, at: 0 }, ann, teamChannel, {
				unread: 7,
				mentions: 3
			}),
			'history not loaded here'
		).toEqual({ unread: 7, mentions: 3, firstUnreadId: plain[0]!.id });
		expect(
			countUnread(plain, { position: 0, at: 0 }, ann, teamChannel, { unread: 7, mentions: 3 }),
			'a loaded mark is the truth'
		).toEqual({ unread: 1, mentions: 1, firstUnreadId: plain[1]!.id });
	});
});
