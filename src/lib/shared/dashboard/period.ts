/**
 * Dashboard periods: whole UTC days, `from` and `to` both included, as YYYY-MM-DD. Pure, so the
 * page's presets and the server's checks count days the same way.
 */
const DAY_MS = 86_400_000;

/** The longest period a dashboard covers (and so a year and a day of comparison before it). */
export const MAX_PERIOD_DAYS = 366;
/** The period shown when none is asked for. */
export const DEFAULT_PERIOD_DAYS = 30;
export const PERIOD_PRESETS = [7, 30, 90] as const;

export interface Period {
	from: string;
	to: string;
	days: number;
}

export const dayOf = (date: Date): string => date.toISOString().slice(0, 10);
export const addDays = (day: string, days: number): string =>
	dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
export const daysBetween = (from: string, to: string): number =>
	Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** The `days` days ending with `to` (today by default). */
export function lastDays(days: number, to: string = dayOf(new Date())): Period {
	return { from: addDays(to, -(days - 1)), to, days };
}

/** The period of the same length right before `period`, to compare with. */
export function previousPeriod(period: Period): Period {
	return {
		from: addDays(period.from, -period.days),
		to: addDays(period.from, -1),
		days: period.days
	};
}

/** Every day of the period, in order. */
export function daysOf(period: Period): string[] {
	return Array.from({ length: period.days }, (_, i) => addDays(period.from, i));
}

/**
 * The period asked for (either end may be left out: `to` defaults to today, `from` to
 * DEFAULT_PERIOD_DAYS before `to`), or what is wrong with it, with the field at fault.
 */
export function resolvePeriod(
	asked: { from?: string | undefined; to?: string | undefined },
	today: string = dayOf(new Date())
): { period: Period } | { field: 'from' | 'to'; message: string } {
	const to = asked.to ?? today;
	const from = asked.from ?? addDays(to, -(DEFAULT_PERIOD_DAYS - 1));
	const span = daysBetween(from, to);
	if (span < 0) return { field: 'to', message: 'The period ends before it starts.' };
	if (span + 1 > MAX_PERIOD_DAYS) {
		return { field: 'from', message: `A period is at most ${MAX_PERIOD_DAYS} days long.` };
	}
	return { period: { from, to, days: span + 1 } };
}
