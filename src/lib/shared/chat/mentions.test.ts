import { describe, expect, it } from 'vitest';
import {
	applyMention,
	mentionOptions,
	mentionQueryAt,
	mentionsPerson,
	parseMentions
} from './mentions.ts';

const ada = { id: '00000000-0000-4000-8000-000000000001', name: 'Ada Lovelace' };
const adam = { id: '00000000-0000-4000-8000-000000000002', name: 'Adam' };
const bob = { id: '00000000-0000-4000-8000-000000000003', name: 'Bob Stone' };
const members = [ada, adam, bob];

describe('parseMentions', () => {
	it('finds members by full name, case-insensitively, in order, without repeats', () => {
		expect(parseMentions('@bob stone and @Ada Lovelace, again @Bob Stone', members)).toEqual([
			bob.id,
			ada.id
		]);
	});

	it('prefers the longest name and needs word boundaries', () => {
		expect(parseMentions('@Adam hi', members)).toEqual([adam.id]);
		expect(parseMentions('@Adamant', members)).toEqual([]);
		expect(parseMentions('mail me@Adam', members)).toEqual([]);
	});

	it('knows @channel and @team', () => {
		expect(parseMentions('@channel please, and @team', members)).toEqual(['channel', 'team']);
		expect(parseMentions('@channels', members)).toEqual([]);
	});

	it('ignores people not in the channel', () => {
		expect(parseMentions('@Zed Unknown', members)).toEqual([]);
	});
});

describe('mentionsPerson', () => {
	it('counts direct and group mentions', () => {
		expect(mentionsPerson([ada.id], ada.id)).toBe(true);
		expect(mentionsPerson(['channel'], ada.id)).toBe(true);
		expect(mentionsPerson(['team'], ada.id)).toBe(false);
		expect(mentionsPerson(['team'], ada.id, { sameTeam: true })).toBe(true);
		expect(mentionsPerson([bob.id], ada.id)).toBe(false);
	});
});

describe('autocomplete', () => {
	it('finds the query at the caret', () => {
		expect(mentionQueryAt('hello @Ad', 9)).toEqual({ start: 6, query: 'Ad' });
		expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
		expect(mentionQueryAt('hello @Ada Lo', 13)).toEqual({ start: 6, query: 'Ada Lo' });
		expect(mentionQueryAt('mail me@Ad', 10)).toBeNull();
		expect(mentionQueryAt('@Ada\nx', 6)).toBeNull();
		expect(mentionQueryAt('no at here', 10)).toBeNull();
	});

	it('ranks prefix matches first and offers groups', () => {
		expect(mentionOptions('ad', members).map((option) => option.name)).toEqual([
			'Ada Lovelace',
			'Adam'
		]);
		expect(mentionOptions('sto', members).map((option) => option.name)).toEqual(['Bob Stone']);
		expect(mentionOptions('ch', members).map((option) => option.id)).toEqual(['channel']);
		expect(mentionOptions('', members, { excludeId: bob.id }).map((option) => option.id)).toEqual([
			ada.id,
			adam.id,
			'channel',
			'team'
		]);
		expect(mentionOptions('t', members, { includeTeam: false }).map((o) => o.id)).toEqual([bob.id]);
	});

	it('inserts the chosen name', () => {
		const text = 'hi @Ad there';
		const query = mentionQueryAt(text, 6)!;
		expect(applyMention(text, query, 6, 'Ada Lovelace')).toEqual({
			text: 'hi @Ada Lovelace there',
			caret: 17
		});
	});
});
