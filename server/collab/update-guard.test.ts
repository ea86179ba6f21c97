import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	acceptedKey,
	deleteMessage,
	editMessage,
	listMessages,
	markRead,
	MAX_MESSAGE_TEXT_LENGTH,
	MAX_REACTIONS_PER_MESSAGE,
	messageKey,
	moderateDelete,
	postMessage,
	react,
	reactionKey,
	recordModeration,
	setArchived,
	unreact,
	userRoot
} from '#shared/chat/document-schema.ts';
import { craftUpdate } from './guard/craft.ts';
import {
	ALICE,
	BOB,
	change,
	clientOf,
	deliver,
	member,
	moderator,
	reader,
	serverDoc,
	snapshot,
	syncStep2,
	wouldChange
} from './guard/test-kit.ts';
import { type Actor, checkUpdate, type RefusalCause } from './update-guard.ts';
import { carriesUpdate } from './frames.ts';
import { messageYjsSyncStep1, messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';

const ID1 = '10000000-0000-4000-8000-000000000001';
const ID2 = '20000000-0000-4000-8000-000000000002';
const ID3 = '30000000-0000-4000-8000-000000000003';

/** A server where Bob and Alice each posted once, and Alice's client is in sync. */
function world() {
	const server = serverDoc();
	const bob = clientOf(server);
	const bobMessage = postMessage(bob, BOB, { id: ID1, text: 'hello from bob', now: 1 });
	expect(deliver(server, Y.encodeStateAsUpdate(bob), member(BOB), 10).ok).toBe(true);
	const alice = clientOf(server);
	const aliceMessage = postMessage(alice, ALICE, { id: ID2, text: 'hi bob', now: 2 });
	expect(deliver(server, syncStep2(alice, server), member(ALICE), 20).ok).toBe(true);
	Y.applyUpdate(alice, Y.encodeStateAsUpdate(server, Y.encodeStateVector(alice)));
	return { server, bob, alice, bobMessage, aliceMessage };
}

type World = ReturnType<typeof world>;

function accepted(server: Y.Doc, update: Uint8Array, actor: Actor) {
	const verdict = deliver(server, update, actor, 100);
	expect(verdict).toMatchObject({ ok: true });
	expect(server.store.pendingStructs).toBeNull();
	expect(server.store.pendingDs).toBeNull();
	return verdict;
}

describe('checkUpdate accepts what a person may do', () => {
	it('posts, edits, reacts, marks read and deletes own messages', () => {
		const { server, alice, bobMessage } = world();
		const actor = member(ALICE);
		accepted(
			server,
			change(alice, () => postMessage(alice, ALICE, { id: ID3, text: 'new' })),
			actor
		);
		accepted(
			server,
			change(alice, () => editMessage(alice, ALICE, ID3, { text: 'edited' })),
			actor
		);
		accepted(
			server,
			change(alice, () => react(alice, ALICE, bobMessage.id, '👍')),
			actor
		);
		accepted(
			server,
			change(alice, () => react(alice, ALICE, ID3, '🏳️‍🌈')),
			actor
		);
		accepted(
			server,
			change(alice, () => unreact(alice, ALICE, ID3, '🏳️‍🌈')),
			actor
		);
		accepted(
			server,
			change(alice, () => markRead(alice, ALICE, bobMessage.id)),
			actor
		);
		accepted(
			server,
			change(alice, () => markRead(alice, ALICE, ID3)),
			actor
		);
		accepted(
			server,
			change(alice, () => deleteMessage(alice, ALICE, ID2)),
			actor
		);
		accepted(
			server,
			change(alice, () => alice.getMap(userRoot(ALICE)).delete(messageKey(ID3))),
			actor
		);

		const messages = listMessages(server);
		expect(messages.map((m) => [m.id, m.text, m.deleted])).toEqual([
			[ID1, 'hello from bob', false],
			[ID2, '', true]
		]);
		expect(messages[0]?.reactions).toEqual([{ emoji: '👍', userIds: [ALICE] }]);
	});

	it('reports what was written and when, so the server can record acceptance', () => {
		const { server, alice } = world();
		const update = change(alice, () => postMessage(alice, ALICE, { id: ID3, text: 'x', now: 5 }));
		const verdict = checkUpdate(server, update, member(ALICE));
		expect(verdict).toEqual({
			ok: true,
			changes: {
				written: [
					{
						key: messageKey(ID3),
						value: { id: ID3, text: 'x', createdAt: 5, mentions: [], version: 1 }
					}
				],
				moderated: []
			}
		});
	});

	it('accepts empty updates, even from a read-only connection', () => {
		const { server } = world();
		expect(checkUpdate(server, new Uint8Array([0, 0]), reader(ALICE)).ok).toBe(true);
		expect(checkUpdate(server, Y.encodeStateAsUpdate(new Y.Doc()), member(ALICE)).ok).toBe(true);
	});

	it('accepts a sync step 2 after offline posts, edits and deletions', () => {
		const { server, alice, bobMessage } = world();
		postMessage(alice, ALICE, { id: ID3, text: 'offline 1' });
		editMessage(alice, ALICE, ID3, { text: 'offline 2' });
		editMessage(alice, ALICE, ID3, { text: 'offline 3' });
		react(alice, ALICE, bobMessage.id, '🎉');
		unreact(alice, ALICE, bobMessage.id, '🎉');
		deleteMessage(alice, ALICE, ID2);
		const verdict = accepted(server, syncStep2(alice, server), member(ALICE));
		expect(verdict.ok && verdict.changes.written.map((w) => w.key)).toEqual([
			messageKey(ID3),
			messageKey(ID2)
		]);
		Y.applyUpdate(alice, Y.encodeStateAsUpdate(server, Y.encodeStateVector(alice)));
		expect(listMessages(server)).toEqual(listMessages(alice));
		expect(listMessages(server).find((m) => m.id === ID3)?.text).toBe('offline 3');
	});

	it('accepts replaced values merged by a client that keeps deleted content (gc off)', () => {
		const { server } = world();
		const client = new Y.Doc({ gc: false });
		Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
		postMessage(client, ALICE, { id: ID3, text: 'one' });
		for (const text of ['two', 'three', 'four']) editMessage(client, ALICE, ID3, { text });
		accepted(server, syncStep2(client, server), member(ALICE));
		expect(listMessages(server).find((m) => m.id === ID3)).toMatchObject({
			text: 'four',
			version: 4
		});
	});

	it("accepts content the server already has, anyone's, as a no-op (a reloaded client resends it)", () => {
		const { server, alice, bob } = world();
		accepted(
			server,
			change(bob, () => deleteMessage(bob, BOB, ID1)),
			member(BOB)
		);
		Y.applyUpdate(alice, Y.encodeStateAsUpdate(server, Y.encodeStateVector(alice)));
		const before = snapshot(server);
		expect(checkUpdate(server, Y.encodeStateAsUpdate(alice), reader(ALICE)).ok).toBe(true);
		expect(checkUpdate(server, syncStep2(alice, server), reader(ALICE)).ok).toBe(true);
		expect(snapshot(server)).toBe(before);
	});

	it("lets a moderator delete another person's message, and reports it", () => {
		const { server, alice } = world();
		const update = change(alice, () => moderateDelete(alice, BOB, ID1));
		const verdict = accepted(server, update, moderator(ALICE));
		expect(verdict.ok && verdict.changes.moderated).toEqual([{ authorId: BOB, messageId: ID1 }]);
		recordModeration(server, BOB, ID1, { by: ALICE, at: 50 });
		const removed = listMessages(server).find((m) => m.id === ID1);
		expect(removed).toMatchObject({ deleted: true, text: '', moderation: { by: ALICE, at: 50 } });
	});
});

const validMessage = (id: string, text = 'x') => ({
	id,
	text,
	createdAt: 1,
	mentions: [],
	version: 1
});

const AT_ALICE_ID3: [string, string] = [userRoot(ALICE), messageKey(ID3)];

/** Two sections for one client: Yjs applies only the second, which then waits pending. */
const twoSectionsForOneClient = (client: number) =>
	craftUpdate([
		{ client, clock: 0, items: [{ parent: AT_ALICE_ID3, content: [validMessage(ID3)] }] },
		{ client, clock: 1, items: [{ origin: [client, 0], content: [validMessage(ID3)] }] }
	]);

type Attempt = (w: World) => { update: Uint8Array; actor?: Actor };

const refusals: Array<[string, Attempt, RegExp]> = [
	[
		"overwriting someone else's message",
		({ alice, bobMessage }) => ({
			update: change(alice, () =>
				alice.getMap(userRoot(BOB)).set(messageKey(ID1), { ...bobMessage, text: 'forged' })
			)
		}),
		/writes in another person's area/
	],
	[
		"deleting someone else's message without moderating rights",
		({ alice }) => ({ update: change(alice, () => moderateDelete(alice, BOB, ID1)) }),
		/deletes in another person's area/
	],
	[
		"posting into someone else's map",
		({ alice }) => ({
			update: change(alice, () => postMessage(alice, BOB, { id: ID3, text: 'as bob' }))
		}),
		/writes in another person's area/
	],
	[
		"reacting or marking read in someone else's map",
		({ alice }) => ({
			update: change(alice, () => {
				alice.getMap(userRoot(BOB)).set(reactionKey(ID1, '👍'), true);
				alice.getMap(userRoot(BOB)).set('read', { messageId: ID1, at: 1 });
			})
		}),
		/writes in another person's area/
	],
	[
		"writing to the server's map",
		({ alice }) => ({
			update: change(alice, () => alice.getMap('server').set(acceptedKey(ALICE, ID2), 0))
		}),
		/writes in the server's area/
	],
	[
		"a moderator writing to the server's map",
		({ alice }) => ({
			update: change(alice, () => alice.getMap('server').set('archived', true)),
			actor: moderator(ALICE)
		}),
		/writes in the server's area/
	],
	[
		'creating another top-level type',
		({ alice }) => ({ update: change(alice, () => alice.getMap('evil').set('x', 1)) }),
		/unknown top-level type "evil"/
	],
	[
		'list content in a top-level type',
		() => {
			const rogue = new Y.Doc();
			return { update: change(rogue, () => rogue.getArray(userRoot(ALICE)).insert(0, ['x'])) };
		},
		/list content/
	],
	[
		'text in a top-level type',
		() => {
			const rogue = new Y.Doc();
			return { update: change(rogue, () => rogue.getText(userRoot(ALICE)).insert(0, 'x')) };
		},
		/content of kind 4 is not allowed/
	],
	[
		'a nested shared type',
		({ alice }) => ({
			update: change(alice, () => alice.getMap(userRoot(ALICE)).set(messageKey(ID3), new Y.Map()))
		}),
		/content of kind 7 is not allowed/
	],
	[
		'a message whose id differs from its key',
		({ alice }) => ({
			update: change(alice, () =>
				alice.getMap(userRoot(ALICE)).set(messageKey(ID3), validMessage(ID1))
			)
		}),
		/message id differs from its key/
	],
	[
		'a message text over the limit',
		({ alice }) => ({
			update: change(alice, () =>
				alice
					.getMap(userRoot(ALICE))
					.set(messageKey(ID3), validMessage(ID3, 'x'.repeat(MAX_MESSAGE_TEXT_LENGTH + 1)))
			)
		}),
		/text: Too big/
	],
	[
		'a message whose text holds a NUL (the record could not store it)',
		({ alice }) => ({
			update: change(alice, () =>
				alice.getMap(userRoot(ALICE)).set(messageKey(ID3), validMessage(ID3, 'a\u0000b'))
			)
		}),
		/not allowed here \(U\+0000\)/
	],
	[
		'a message whose text holds a right-to-left override',
		({ alice }) => ({
			update: change(alice, () =>
				alice.getMap(userRoot(ALICE)).set(messageKey(ID3), validMessage(ID3, 'exe.\u202Etxt'))
			)
		}),
		/not allowed here \(U\+202E\)/
	],
	[
		'an attachment whose name holds a line feed',
		({ alice }) => ({
			update: change(alice, () =>
				alice.getMap(userRoot(ALICE)).set(messageKey(ID3), {
					...validMessage(ID3),
					attachments: [
						{ id: ID1, name: 'a\nb.pdf', size: 1, mimeType: 'application/pdf', kind: 'file' }
					]
				})
			)
		}),
		/not allowed here \(U\+000A\)/
	],
	[
		'a message with an unknown field',
		({ alice }) => ({
			update: change(alice, () =>
				alice.getMap(userRoot(ALICE)).set(messageKey(ID3), { ...validMessage(ID3), html: '<b>' })
			)
		}),
		/Unrecognized key/
	],
	[
		'a value that borrows its fields from a __proto__ key',
		({ alice }) => ({
			update: change(alice, () =>
				alice
					.getMap(userRoot(ALICE))
					.set(messageKey(ID3), JSON.parse(`{"__proto__": ${JSON.stringify(validMessage(ID3))}}`))
			)
		}),
		/not a plain JSON value/
	],
	[
		'a key outside the schema',
		({ alice }) => ({
			update: change(alice, () => alice.getMap(userRoot(ALICE)).set('profile', 'x'))
		}),
		/invalid key "profile"/
	],
	[
		'a reaction that is not true',
		({ alice }) => ({
			update: change(alice, () => alice.getMap(userRoot(ALICE)).set(reactionKey(ID1, '👍'), 'yes'))
		}),
		/a reaction is stored as true/
	],
	[
		'too many reactions on one message',
		({ alice }) => ({
			update: change(alice, () => {
				for (let i = 0; i <= MAX_REACTIONS_PER_MESSAGE; i++) {
					alice.getMap(userRoot(ALICE)).set(reactionKey(ID1, `:e${i}:`), true);
				}
			})
		}),
		/more than 20 reactions/
	],
	[
		"reusing another person's message id",
		({ alice }) => ({
			update: change(alice, () => postMessage(alice, ALICE, { id: ID1, text: 'mine now' }))
		}),
		/already used by another person/
	],
	[
		'garbage bytes',
		() => ({ update: Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256) }),
		/does not decode/
	],
	[
		'a truncated update',
		({ alice }) => {
			const update = change(alice, () => postMessage(alice, ALICE, { id: ID3, text: 'cut short' }));
			return { update: update.slice(0, update.length - 4) };
		},
		/does not decode/
	],
	[
		'trailing bytes',
		({ alice }) => {
			const update = change(alice, () => postMessage(alice, ALICE, { id: ID3, text: 'and more' }));
			return { update: Uint8Array.from([...update, 0]) };
		},
		/trailing bytes/
	],
	[
		'an update over the size limit',
		({ alice }) => ({
			update: change(alice, () => {
				for (let i = 0; i < 40; i++)
					postMessage(alice, ALICE, { text: 'y'.repeat(MAX_MESSAGE_TEXT_LENGTH) });
			})
		}),
		/update too large/
	],
	[
		'any change from a read-only connection',
		({ alice }) => ({
			update: change(alice, () => postMessage(alice, ALICE, { id: ID3, text: 'hi' })),
			actor: reader(ALICE)
		}),
		/read-only/
	],
	[
		'a deletion from a read-only connection',
		({ alice }) => ({
			update: change(alice, () => deleteMessage(alice, ALICE, ID2)),
			actor: reader(ALICE)
		}),
		/read-only/
	],
	[
		'any change to an archived document',
		({ server, alice }) => {
			setArchived(server, true);
			return { update: change(alice, () => postMessage(alice, ALICE, { id: ID3, text: 'late' })) };
		},
		/read-only/
	],
	[
		"a moderator editing another person's message",
		({ alice, bobMessage }) => ({
			update: change(alice, () =>
				alice.getMap(userRoot(BOB)).set(messageKey(ID1), { ...bobMessage, text: 'moderated?' })
			),
			actor: moderator(ALICE)
		}),
		/writes in another person's area/
	],
	[
		"a moderator deleting another person's reaction",
		({ server, bob, alice }) => {
			deliver(
				server,
				change(bob, () => react(bob, BOB, ID1, '👍')),
				member(BOB)
			);
			Y.applyUpdate(alice, Y.encodeStateAsUpdate(server, Y.encodeStateVector(alice)));
			return {
				update: change(alice, () => unreact(alice, BOB, ID1, '👍')),
				actor: moderator(ALICE)
			};
		},
		/deletes in another person's area/
	],
	[
		'restoring a message a moderator removed',
		({ server, alice }) => {
			recordModeration(server, ALICE, ID2, { by: BOB, at: 1 });
			return {
				update: change(alice, () => editMessage(alice, ALICE, ID2, { text: 'back again' }))
			};
		},
		/removed by a moderator/
	],
	[
		'an update that depends on one the server never got',
		({ alice }) => {
			change(alice, () => postMessage(alice, ALICE, { id: ID3, text: 'first' }));
			return { update: change(alice, () => editMessage(alice, ALICE, ID3, { text: 'second' })) };
		},
		/depends on content the server does not have/
	],
	[
		'deleting content the server does not have',
		() => ({ update: craftUpdate([], [[424242, 0, 1]]) }),
		/deletes content the server does not have/
	],
	[
		'several live values in one map entry',
		() => ({
			update: craftUpdate([
				{
					client: 9,
					clock: 0,
					items: [{ parent: AT_ALICE_ID3, content: [validMessage(ID3), validMessage(ID3)] }]
				}
			])
		}),
		/exactly one value/
	],
	[
		'a run of deleted content long enough to break clock arithmetic',
		() => ({
			update: craftUpdate([
				{ client: 9, clock: 0, items: [{ parent: AT_ALICE_ID3, content: { deleted: 2 ** 40 } }] }
			])
		}),
		/item too long/
	],
	[
		'an item with a right origin (list insertion)',
		({ bob }) => ({
			update: craftUpdate([
				{
					client: 9,
					clock: 0,
					items: [{ rightOrigin: [bob.clientID, 0], content: [validMessage(ID3)] }]
				}
			])
		}),
		/right origin/
	],
	[
		'origins that form a cycle',
		() => ({
			update: craftUpdate([
				{ client: 500, clock: 0, items: [{ origin: [501, 0], content: [validMessage(ID3)] }] },
				{ client: 501, clock: 0, items: [{ origin: [500, 0], content: [validMessage(ID3)] }] }
			])
		}),
		/cycle/
	],
	[
		'an origin later in its own client',
		() => ({
			update: craftUpdate([
				{
					client: 9,
					clock: 0,
					items: [
						{ origin: [9, 1], content: [validMessage(ID3)] },
						{ parent: AT_ALICE_ID3, content: [validMessage(ID3)] }
					]
				}
			])
		}),
		/refers to later content/
	],
	[
		'an origin the server does not have',
		() => ({
			update: craftUpdate([
				{ client: 9, clock: 0, items: [{ origin: [31337, 5], content: [validMessage(ID3)] }] }
			])
		}),
		/refers to content the server does not have/
	],
	[
		'two sections for one client id (the second would wait pending)',
		() => ({ update: twoSectionsForOneClient(777) }),
		/appears twice/
	],
	[
		'writing under a client id the server has seen from someone else',
		({ alice, bob }) => {
			// Set after loading: Yjs gives a document a new client id when it receives its own.
			const forger = clientOf(alice);
			forger.clientID = bob.clientID;
			return {
				update: change(forger, () => postMessage(forger, ALICE, { id: ID3, text: 'squat' }))
			};
		},
		/belongs to another writer/
	]
];

/** The cause a refusal's words stand for (what the client is told to do about it). */
function causeOf(reason: RegExp): RefusalCause {
	if (/(writes|deletes) in (the server's|another person's) area/.test(reason.source))
		return 'elsewhere';
	if (/depends on content the server does not have/.test(reason.source)) return 'gap';
	return 'invalid';
}

describe('checkUpdate refuses, leaving the server unchanged', () => {
	it.each(refusals)('%s', (_name, attempt, reason) => {
		const w = world();
		const { update, actor = member(ALICE) } = attempt(w);
		const before = snapshot(w.server);
		const verdict = checkUpdate(w.server, update, actor);
		expect(verdict).toEqual({
			ok: false,
			cause: causeOf(reason),
			reason: expect.stringMatching(reason)
		});
		expect(snapshot(w.server)).toBe(before);
		expect(wouldChange(w.server, update)).toBe(true);
	});

	it('the two-section update would overwrite a message of whoever uses that client id next', () => {
		const { server } = world();
		const victim = new Y.Doc();
		victim.clientID = 777;
		Y.applyUpdate(server, twoSectionsForOneClient(777));
		postMessage(victim, BOB, { id: '40000000-0000-4000-8000-000000000004', text: 'mine' });
		Y.applyUpdate(server, Y.encodeStateAsUpdate(victim));
		expect(
			server.getMap(userRoot(BOB)).get(messageKey('40000000-0000-4000-8000-000000000004'))
		).toMatchObject({
			id: ID3
		});
	});
});

describe('the sync messages the ingest checks (carriesUpdate, then checkUpdate)', () => {
	it('passes state vectors, checks updates, leaves unknown types to Hocuspocus', () => {
		const { server, alice } = world();
		const forged = change(alice, () => moderateDelete(alice, BOB, ID1));
		expect(carriesUpdate(messageYjsSyncStep1)).toBe(false);
		expect(carriesUpdate(messageYjsSyncStep2)).toBe(true);
		expect(carriesUpdate(messageYjsUpdate)).toBe(true);
		expect(carriesUpdate(3)).toBe(false);
		expect(checkUpdate(server, forged, member(ALICE)).ok).toBe(false);
		expect(checkUpdate(server, forged, moderator(ALICE)).ok).toBe(true);
	});
});
