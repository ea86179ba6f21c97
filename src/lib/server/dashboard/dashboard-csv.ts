import type { Dashboard, DashboardChart, DashboardDay } from '#shared/api/dashboard.schema.ts';

/**
 * One chart of the dashboard as CSV (RFC 4180, CRLF): the period's rows with the previous
 * period's beside them, day by day (the n-th day of each). Text that a spreadsheet would run as
 * a formula (= + - @ at the start) is prefixed with an apostrophe.
 */
export function dashboardCsv(dashboard: Dashboard, chart: DashboardChart): string {
	const rows: (string | number | null)[][] = [];
	const perDay = (header: string[], value: (day: DashboardDay) => (string | number | null)[]) => {
		rows.push(['day', ...header, 'previous_period_day', ...header.map((h) => `previous_${h}`)]);
		dashboard.days.forEach((day, i) => {
			const before = dashboard.previousDays[i]!;
			rows.push([day.day, ...value(day), before.day, ...value(before)]);
		});
	};
	switch (chart) {
		case 'messages':
			perDay(['messages'], (day) => [day.messages]);
			break;
		case 'active-people':
			perDay(['active_people'], (day) => [day.activePeople]);
			break;
		case 'reply-time':
			perDay(['median_first_reply_seconds', 'replied_threads'], (day) => [
				day.medianReplySeconds === null ? null : Math.round(day.medianReplySeconds),
				day.repliedThreads
			]);
			break;
		case 'channels':
			rows.push(['channel', 'kind', 'messages', 'previous_period_messages']);
			for (const channel of dashboard.channels) {
				rows.push([channel.name, channel.kind, channel.messages, channel.previousMessages]);
			}
			break;
	}
	return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** The file name a download of the chart gets. */
export function dashboardCsvName(dashboard: Dashboard, chart: DashboardChart): string {
	const scope = dashboard.scope.name
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
	return `${chart}-${scope || dashboard.scope.kind}-${dashboard.period.from}-to-${dashboard.period.to}.csv`;
}

function cell(value: string | number | null): string {
	if (value === null) return '';
	if (typeof value === 'number') return String(value);
	const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
