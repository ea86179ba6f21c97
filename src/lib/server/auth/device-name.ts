/** A short human name for a session's device, from its User-Agent. */
export function deviceName(userAgent: string): string {
	if (!userAgent) return 'Unknown device';
	const browser =
		match(userAgent, /Edg\//, 'Edge') ??
		match(userAgent, /OPR\//, 'Opera') ??
		match(userAgent, /Firefox\//, 'Firefox') ??
		match(userAgent, /(HeadlessChrome|Chrome|Chromium)\//, 'Chrome') ??
		match(userAgent, /Safari\//, 'Safari') ??
		match(userAgent, /node|undici|curl/i, 'Script');
	const system =
		match(userAgent, /iPhone|iPad/, 'iOS') ??
		match(userAgent, /Android/, 'Android') ??
		match(userAgent, /Windows/, 'Windows') ??
		match(userAgent, /Mac OS X|Macintosh/, 'macOS') ??
		match(userAgent, /CrOS/, 'ChromeOS') ??
		match(userAgent, /Linux/, 'Linux');
	if (browser && system) return `${browser} on ${system}`;
	return browser ?? system ?? 'Unknown device';
}

function match(userAgent: string, pattern: RegExp, name: string): string | undefined {
	return pattern.test(userAgent) ? name : undefined;
}
