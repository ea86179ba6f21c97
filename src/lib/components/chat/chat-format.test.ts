import { describe, expect, it } from 'vitest';
import type { ListedMessage } from '$lib/shared/chat/document-schema.ts';
import { listedMessage, numberedId } from '$lib/shared/chat/listing.testing.ts';
import { buildRows, dayLabel } from './chat-format.ts';

const alice = '00000000-0000-4000-8000-00000000000a';
const bob = '00000000-0000-4000-8000-00000000000b';

function message(id: number, authorId: string, at: number): ListedMessage {
	return listedMessage({
		authorId,
		id: numberedId(id),
		text: `message ${id}`,
		createdAt: at,
		acceptedAt: at
	});
}

describe('buildRows', () => {
	const day1 = new Date(2026, 2, 3, 9, 0).getTime();
	const day2 = new Date(2026, 2, 4, 9, 0).getTime();

	it('separates days and groups consecutive messages of one person within five minutes', () => {
		const rows = buildRows(
			[
				message(1, alice, day1),
				message(2, alice, day1 + 60_000),
				message(3, alice, day1 + 7 * 60_000),
				message(4, bob, day1 + 8 * 60_000),
				message(5, bob, day2)
			],
			day2 + 3_600_000
		);
		expect(rows.map((row) => (row.kind === 'day' ? row.label : row.grouped))).toEqual([
			'Yesterday',
			false,
			true,
			false,
			false,
			'Today',
			false
		]);
	});

	it('names today and yesterday', () => {
		const now = new Date(2026, 5, 10, 12).getTime();
		expect(dayLabel(now - 3_600_000, now)).toBe('Today');
		expect(dayLabel(now - 86_400_000, now)).toBe('Yesterday');
		expect(dayLabel(new Date(2024, 0, 2).getTime(), now)).toBe('Tuesday, January 2, 2024');
	});
});
