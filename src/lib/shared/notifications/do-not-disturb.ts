/**
 * A do-not-disturb schedule: on the chosen days (0 Sunday … 6 Saturday), from `from` to `to`
 * (HH:MM, local to `timeZone`). When `from` is after `to` the quiet hours run overnight and
 * belong to the day they start on (Friday 18:00–09:00 covers Saturday morning).
 */
export interface DoNotDisturb {
	enabled: boolean;
	days: number[];
	from: string;
	to: string;
	timeZone: string;
}

/** Whether a time zone name is one this runtime knows (IANA names, and UTC). */
export function isTimeZone(name: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: name });
		return true;
	} catch {
		return false;
	}
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function minutes(hhmm: string): number {
	const [h = 0, m = 0] = hhmm.split(':').map(Number);
	return h * 60 + m;
}

/** The weekday and minute of the day of `at` in a time zone. */
function localTime(at: Date, timeZone: string): { day: number; minute: number } {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		weekday: 'short',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).formatToParts(at);
	const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
	return {
		day: WEEKDAYS.indexOf(get('weekday')),
		minute: Number(get('hour')) * 60 + Number(get('minute'))
	};
}

/** Whether `at` falls in the person's quiet hours. */
export function inDoNotDisturb(dnd: DoNotDisturb, at: Date): boolean {
	if (!dnd.enabled || dnd.days.length === 0 || !isTimeZone(dnd.timeZone)) return false;
	const { day, minute } = localTime(at, dnd.timeZone);
	const from = minutes(dnd.from);
	const to = minutes(dnd.to);
	if (from === to) return dnd.days.includes(day);
	if (from < to) return dnd.days.includes(day) && minute >= from && minute < to;
	// Overnight: the evening of a chosen day, or the morning after one.
	if (minute >= from) return dnd.days.includes(day);
	return minute < to && dnd.days.includes((day + 6) % 7);
}
