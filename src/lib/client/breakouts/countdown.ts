/**
 * A breakout room's countdown runs on the server's clock, not the device's: a device whose clock
 * is minutes off still shows the right time left. The server puts its clock (`serverNow`) on
 * every breakout answer; the device learns how far its own clock is from it.
 */

/**
 * How far the server's clock is ahead of this device's (ms), from an answer that carried
 * `serverNow`: the server read its clock somewhere between the request leaving (`sentAt`) and
 * the answer arriving (`receivedAt`), so the middle of the two is the best guess of when.
 */
export function clockOffset(serverNow: string, sentAt: number, receivedAt: number): number {
	const server = Date.parse(serverNow);
	if (Number.isNaN(server)) return 0;
	return Math.round(server - (sentAt + receivedAt) / 2);
}

/** Milliseconds left until `endsAt` by the server's clock, never below 0. */
export function timeLeft(endsAt: string, deviceNow: number, offset: number): number {
	const end = Date.parse(endsAt);
	if (Number.isNaN(end)) return 0;
	return Math.max(0, end - (deviceNow + offset));
}

/**
 * Time left as a countdown shows it: `m:ss` under an hour, `h:mm:ss` beyond. Rounded up to the
 * second, so "0:00" shows only once time is really up.
 */
export function formatCountdown(ms: number): string {
	const total = Math.max(0, Math.ceil(ms / 1000));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = total % 60;
	const ss = String(seconds).padStart(2, '0');
	return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** Time left in words, for a screen reader or a banner: "4 minutes left", "40 seconds left". */
export function timeLeftInWords(ms: number): string {
	const total = Math.max(0, Math.ceil(ms / 1000));
	if (total === 0) return 'Time is up';
	if (total < 60) return `${total} ${total === 1 ? 'second' : 'seconds'} left`;
	const minutes = Math.ceil(total / 60);
	if (minutes < 60) return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'} left`;
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	return `${hours} h${rest > 0 ? ` ${rest} min` : ''} left`;
}

/** How urgent the time left is: the countdown turns amber under 5 minutes, red under 1. */
export function urgency(ms: number): 'calm' | 'soon' | 'last' {
	if (ms <= 60_000) return 'last';
	if (ms <= 5 * 60_000) return 'soon';
	return 'calm';
}
