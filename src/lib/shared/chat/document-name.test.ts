import { describe, expect, it } from 'vitest';
import { documentName, parseDocumentName } from './document-name.ts';

const ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('document names', () => {
	it.each([
		[`channel.${ID}.0`, { kind: 'channel', id: ID, shard: 0 }],
		[`dm.${ID}.3`, { kind: 'dm', id: ID, shard: 3 }],
		[`breakout.${ID}.12`, { kind: 'breakout', id: ID, shard: 12 }],
		[`channel.${ID}.9999999`, { kind: 'channel', id: ID, shard: 9_999_999 }]
	])('parses %s', (name, parsed) => {
		expect(parseDocumentName(name)).toEqual(parsed);
		expect(documentName(parsed.kind as 'channel', parsed.id, parsed.shard)).toBe(name);
	});

	it.each([
		`channel.${ID}`,
		`channel.${ID.toUpperCase()}.0`,
		`group.${ID}.0`,
		`Channel.${ID}.0`,
		`channel.${ID}.`,
		`channel.${ID}.01`,
		`channel.${ID}.-1`,
		`channel.${ID}.1.5`,
		`channel.${ID}.1e3`,
		`channel.${ID}.10000000`,
		`channel.${ID}.0.x`,
		` channel.${ID}.0`,
		`channel.${ID}.0\n`,
		`channel..${ID}.0`,
		`channel.${ID.slice(0, -1)}.0`,
		`channel.{${ID}}.0`,
		`channel.${ID.replace(/-/g, '')}.0`,
		'',
		'channel',
		`../channel.${ID}.0`
	])('refuses %j', (name) => {
		expect(parseDocumentName(name)).toBeNull();
	});

	it('refuses what is not a string', () => {
		expect(parseDocumentName(undefined)).toBeNull();
		expect(parseDocumentName({ toString: () => `channel.${ID}.0` })).toBeNull();
	});

	it('will not build a name that would not parse', () => {
		expect(() => documentName('channel', ID.toUpperCase(), 0)).toThrow(TypeError);
		expect(() => documentName('channel', ID, -1)).toThrow(TypeError);
		expect(() => documentName('channel', ID, 1.5)).toThrow(TypeError);
		expect(() => documentName('room' as 'channel', ID, 0)).toThrow(TypeError);
	});
});
