import { z } from 'zod';

/** A calendar day, YYYY-MM-DD (UTC days throughout the dashboard). */
const day = z.iso.date({ error: 'Give the day as YYYY-MM-DD.' });

/** `org`, `department:<id>` or `team:<id>`. */
export const dashboardScopeParam = z
	.string()
	.regex(
		/^(org|(department|team):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
		'Give the scope as org, department:<id> or team:<id>.'
	)
	.transform((value) => {
		const [kind, id] = value.toLowerCase().split(':') as ['org' | 'department' | 'team', string?];
		return kind === 'org' ? { kind } : { kind, id: id! };
	});

export const dashboardQuerySchema = z.object({
	/** Whose activity: left out, the asker's own team, department, or (Super Admins) organization. */
	scope: dashboardScopeParam.optional(),
	/** First day of the period (default: 29 days before `to`). */
	from: day.optional(),
	/** Last day of the period, included (default: today). At most 366 days after `from`. */
	to: day.optional()
});

export const dashboardCharts = ['messages', 'active-people', 'reply-time', 'channels'] as const;
export type DashboardChart = (typeof dashboardCharts)[number];

export const dashboardCsvQuerySchema = dashboardQuerySchema.extend({
	chart: z.enum(dashboardCharts, {
		error: `Give the chart as one of ${dashboardCharts.join(', ')}.`
	})
});

export const dashboardScopeSchema = z.object({
	kind: z.enum(['org', 'department', 'team']),
	/** The department's or team's id; null for the organization. */
	id: z.uuid().nullable(),
	name: z.string(),
	/** The scope as the `scope` parameter spells it. */
	param: z.string()
});

const periodSchema = z.object({ from: z.string(), to: z.string(), days: z.number().int() });

export const dashboardDaySchema = z.object({
	day: z.string(),
	messages: z.number().int().nonnegative(),
	/** People of the scope who wrote at least one message that day. */
	activePeople: z.number().int().nonnegative(),
	/** Median seconds from a thread's first message to the first reply by someone else. */
	medianReplySeconds: z.number().nonnegative().nullable(),
	/** Threads started that day that got a reply from someone else. */
	repliedThreads: z.number().int().nonnegative()
});

export const dashboardTotalsSchema = z.object({
	messages: z.number().int().nonnegative(),
	/** Distinct people who wrote in the period. */
	activePeople: z.number().int().nonnegative(),
	medianReplySeconds: z.number().nonnegative().nullable(),
	repliedThreads: z.number().int().nonnegative()
});

export const busyChannelSchema = z.object({
	/** A channel id, or `dm` / `private` for direct messages and private groups, counted together. */
	key: z.string(),
	name: z.string(),
	kind: z.string(),
	messages: z.number().int().nonnegative(),
	previousMessages: z.number().int().nonnegative()
});

export const dashboardSchema = z.object({
	scope: dashboardScopeSchema,
	period: periodSchema,
	previousPeriod: periodSchema,
	/** Every day of the period, in order, and of the previous period. */
	days: z.array(dashboardDaySchema),
	previousDays: z.array(dashboardDaySchema),
	totals: dashboardTotalsSchema,
	previousTotals: dashboardTotalsSchema,
	/** The busiest channels of the period (at most 10), by messages of the scope's people. */
	channels: z.array(busyChannelSchema),
	/** The first day counted from the messages themselves rather than the rollup, if any. */
	liveFrom: z.string().nullable()
});

export const dashboardScopesSchema = z.object({
	/** The parts of the organization the asker may see, their own first. */
	scopes: z.array(dashboardScopeSchema)
});

export type DashboardQuery = z.output<typeof dashboardQuerySchema>;
export type DashboardCsvQuery = z.output<typeof dashboardCsvQuerySchema>;
export type DashboardScopeParam = z.output<typeof dashboardScopeParam>;
export type DashboardScope = z.infer<typeof dashboardScopeSchema>;
export type DashboardDay = z.infer<typeof dashboardDaySchema>;
export type DashboardTotals = z.infer<typeof dashboardTotalsSchema>;
export type BusyChannel = z.infer<typeof busyChannelSchema>;
export type Dashboard = z.infer<typeof dashboardSchema>;
