import { describe, expect, it } from 'vitest';
import { bars, change, duration, HEIGHT, linePath, niceMax, WIDTH } from './chart.ts';

describe('dashboard chart geometry', () => {
	it('tops the axis at 1, 2 or 5 times a power of ten', () => {
		expect([0, 1, 3, 7, 10, 11, 180, 2001].map(niceMax)).toEqual([1, 1, 5, 10, 10, 20, 200, 5000]);
	});

	it('breaks a line at missing values and marks lone points', () => {
		const { d, dots } = linePath([10, 5, null, 10, null], 10);
		expect(d).toBe(`M0.0,0.0 L150.0,100.0 M450.0,0.0`);
		expect(dots).toEqual([{ x: 450, y: 0 }]);
		expect(linePath([null, null], 10).d).toBe('');
	});

	it('gives each value a bar standing on the bottom', () => {
		const drawn = bars([0, 4], 4);
		expect(drawn[0]).toMatchObject({ y: HEIGHT, height: 0 });
		expect(drawn[1]).toMatchObject({ y: 0, height: HEIGHT });
		expect(drawn[1]!.x + drawn[1]!.width).toBeLessThanOrEqual(WIDTH);
	});

	it('words changes and delays', () => {
		expect([change(12, 10), change(5, 10), change(3, 3), change(2, 0), change(null, 3)]).toEqual([
			'+20%',
			'−50%',
			'no change',
			'new',
			'—'
		]);
		expect([
			duration(42),
			duration(300),
			duration(3 * 3600 + 1200),
			duration(86_400 * 2.5)
		]).toEqual(['42 s', '5 min', '3 h 20 min', '2.5 days']);
	});
});
