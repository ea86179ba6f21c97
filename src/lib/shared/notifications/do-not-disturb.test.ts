import { describe, expect, it } from 'vitest';
import { inDoNotDisturb, isTimeZone } from './do-not-disturb.ts';

const weekdays = {
	enabled: true,
	days: [1, 2, 3, 4, 5],
	from: '18:00',
	to: '09:00',
	timeZone: 'Europe/Paris'
};

describe('do-not-disturb schedule', () => {
	it('runs overnight from a chosen day into the next morning, in the person’s time zone', () => {
		// Monday 2026-03-02. Paris is UTC+1 in March.
		expect(inDoNotDisturb(weekdays, new Date('2026-03-02T17:30:00Z')), 'Mon 18:30').toBe(true);
		expect(inDoNotDisturb(weekdays, new Date('2026-03-02T16:30:00Z')), 'Mon 17:30').toBe(false);
		expect(inDoNotDisturb(weekdays, new Date('2026-03-03T07:30:00Z')), 'Tue 08:30').toBe(true);
		expect(inDoNotDisturb(weekdays, new Date('2026-03-03T08:30:00Z')), 'Tue 09:30').toBe(false);
		// Saturday morning follows Friday evening; Sunday evening is not a chosen day.
		expect(inDoNotDisturb(weekdays, new Date('2026-03-07T07:00:00Z')), 'Sat 08:00').toBe(true);
		expect(inDoNotDisturb(weekdays, new Date('2026-03-08T20:00:00Z')), 'Sun 21:00').toBe(false);
		expect(inDoNotDisturb(weekdays, new Date('2026-03-02T07:00:00Z')), 'Mon 08:00').toBe(false);
	});

	it('runs within a day, all day when from equals to, and never when off', () => {
		const lunch = { ...weekdays, from: '12:00', to: '13:00', timeZone: 'UTC' };
		expect(inDoNotDisturb(lunch, new Date('2026-03-02T12:30:00Z'))).toBe(true);
		expect(inDoNotDisturb(lunch, new Date('2026-03-02T13:00:00Z'))).toBe(false);
		const allDay = { ...lunch, from: '00:00', to: '00:00', days: [0] };
		expect(inDoNotDisturb(allDay, new Date('2026-03-08T23:59:00Z'))).toBe(true);
		expect(inDoNotDisturb({ ...allDay, enabled: false }, new Date('2026-03-08T12:00:00Z'))).toBe(
			false
		);
	});

	it('knows time zones', () => {
		expect(isTimeZone('Europe/Paris')).toBe(true);
		expect(isTimeZone('UTC')).toBe(true);
		expect(isTimeZone('Mars/Olympus')).toBe(false);
	});
});
