/**
 * Geometry and wording of the dashboard's charts, pure so that the server draws them (SVG in the
 * page's markup, readable without script). Coordinates are in a WIDTH × HEIGHT box that the SVG
 * stretches to its size (preserveAspectRatio="none"); lines keep their width with
 * `vector-effect: non-scaling-stroke`, and labels are HTML beside the SVG, not scaled text.
 */
export const WIDTH = 600;
export const HEIGHT = 200;

/** A top for the value axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
	if (max <= 0) return 1;
	const power = 10 ** Math.floor(Math.log10(max));
	return ([1, 2, 5, 10].find((step) => step * power >= max) ?? 10) * power;
}

const x = (index: number, count: number) =>
	count <= 1 ? WIDTH / 2 : (index / (count - 1)) * WIDTH;
const y = (value: number, top: number) => HEIGHT - (value / top) * HEIGHT;

/**
 * A line through the values as SVG path data, broken where a value is missing (a day with no
 * replied thread); `dots` are the points that stand alone, drawn as round caps.
 */
export function linePath(
	values: (number | null)[],
	top: number
): { d: string; dots: { x: number; y: number }[] } {
	const parts: string[] = [];
	const dots: { x: number; y: number }[] = [];
	values.forEach((value, i) => {
		if (value === null) return;
		const point = `${x(i, values.length).toFixed(1)},${y(value, top).toFixed(1)}`;
		const joined = i > 0 && values[i - 1] !== null && values[i - 1] !== undefined;
		parts.push(`${joined ? 'L' : 'M'}${point}`);
		const alone = !joined && (values[i + 1] === null || values[i + 1] === undefined);
		if (alone) dots.push({ x: x(i, values.length), y: y(value, top) });
	});
	return { d: parts.join(' '), dots };
}

/** Bars for the values, one slot per value, a small gap between them. */
export function bars(values: number[], top: number) {
	const slot = WIDTH / Math.max(values.length, 1);
	const gap = Math.min(slot * 0.25, 6);
	return values.map((value, i) => ({
		x: i * slot + gap / 2,
		y: y(value, top),
		width: slot - gap,
		height: HEIGHT - y(value, top)
	}));
}

/** "+12%", "−40%", "no change", or "new" when there was nothing before. */
export function change(current: number | null, previous: number | null): string {
	if (current === null || previous === null) return '—';
	if (previous === 0) return current === 0 ? 'no change' : 'new';
	const percent = Math.round(((current - previous) / previous) * 100);
	if (percent === 0) return 'no change';
	return percent > 0 ? `+${percent}%` : `−${Math.abs(percent)}%`;
}

/** A delay in words: "45 s", "12 min", "3 h 20 min", "2.5 days". */
export function duration(seconds: number | null): string {
	if (seconds === null) return '—';
	if (seconds < 60) return `${Math.round(seconds)} s`;
	const minutes = Math.round(seconds / 60);
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
	return `${(seconds / 86_400).toFixed(1)} days`;
}

/** "Nov 26" for a YYYY-MM-DD day (UTC, as the dashboard counts). */
export function shortDay(day: string): string {
	return new Date(`${day}T00:00:00Z`).toLocaleDateString('en', {
		month: 'short',
		day: 'numeric',
		timeZone: 'UTC'
	});
}

export const count = (value: number | null) => (value === null ? '—' : value.toLocaleString('en'));
