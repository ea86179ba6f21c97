import { describe, expect, it } from 'vitest';
import { UnreadMarker, type MarkedConversation } from './unread-marker.svelte.ts';

const ME = 'me';
const THEM = 'them';

/** A conversation of numbered messages ("m1", "m2"…) whose read mark the marker moves. */
function conversation(count: number, readUpTo: number) {
	const state = {
		messages: Array.from({ length: count }, (_, index) => ({
			id: `m${index + 1}`,
			authorId: THEM
		})),
		read: readUpTo,
		marks: [] as string[]
	};
	const fake: MarkedConversation = {
		channelId: 'c',
		get messages() {
			return state.messages;
		},
		get firstUnreadId() {
			return state.messages[state.read]?.id ?? null;
		},
		position: (id) => state.messages.findIndex((m) => m.id === id),
		get readPosition() {
			return state.read - 1;
		},
		markReadUpTo(id) {
			state.marks.push(id);
			state.read = state.messages.findIndex((m) => m.id === id) + 1;
		}
	};
	const post = (authorId = THEM) =>
		state.messages.push({ id: `m${state.messages.length + 1}`, authorId });
	return { state, fake, post };
}

describe('UnreadMarker', () => {
	it('opens at the first unread and moves the mark only over what was seen, once placed', () => {
		const { state, fake } = conversation(10, 4);
		const marker = new UnreadMarker(ME);
		marker.begin(fake);
		marker.seen(['m9', 'm10']);
		expect(state.marks, 'nothing counts before the view is placed').toEqual([]);
		expect(marker.place(), 'opens at the first unread').toBe('m5');
		marker.settle();
		marker.seen(['m5', 'm6', 'm7']);
		expect(state.marks, 'the newest seen').toEqual(['m7']);
		marker.seen(['m3', 'm4']);
		expect(state.marks, 'never back').toEqual(['m7']);
		expect(marker.dividerId, 'the divider stays for the visit while reading').toBe('m5');
	});

	it('opens at the newest when nothing is unread', () => {
		const { fake } = conversation(3, 3);
		const marker = new UnreadMarker(ME);
		marker.begin(fake);
		expect(marker.place()).toBeNull();
	});

	it('keeps the divider until the reader reached the bottom and more arrived', () => {
		const { fake, post } = conversation(6, 2);
		const marker = new UnreadMarker(ME);
		marker.begin(fake);
		marker.place();
		marker.settle();
		post();
		marker.changed(false);
		expect(marker.dividerId, 'new message while scrolled up').toBe('m3');
		marker.scrolled(true);
		post(ME);
		marker.changed(false);
		expect(marker.dividerId, "one's own message").toBe('m3');
		post();
		marker.changed(false);
		expect(marker.dividerId, 'at the bottom, another message came').toBeNull();
	});

	it('gives messages arriving in a hidden tab a divider of their own', () => {
		const { fake, post, state } = conversation(4, 4);
		const marker = new UnreadMarker(ME);
		marker.begin(fake);
		marker.place();
		marker.settle();
		marker.scrolled(true);
		post();
		marker.changed(true);
		expect(marker.dividerId).toBe('m5');
		expect(state.marks, 'a hidden tab reads nothing').toEqual([]);
		marker.begin(fake);
		expect(marker.dividerId, 'a new visit forgets').toBeNull();
	});
});
