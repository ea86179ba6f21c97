import { AppError, forbidden, notFound } from '../errors.ts';
import type { OrgRepository } from '../org/org.repository.ts';
import { policy, type Actor, type DashboardScopeRef } from '#shared/policy.ts';
import {
	daysOf,
	dayOf,
	previousPeriod,
	resolvePeriod,
	type Period
} from '#shared/dashboard/period.ts';
import type {
	Dashboard,
	DashboardDay,
	DashboardQuery,
	DashboardScope,
	DashboardScopeParam,
	DashboardTotals
} from '#shared/api/dashboard.schema.ts';
import type { DashboardRepository, ScopePeople } from './dashboard.repository.ts';
import { Wired } from '#shared/wired.ts';

/** How many channels the busiest-channels chart lists. */
const BUSIEST_CHANNELS = 10;
/** Days one rollup run catches up at most (the next run goes on). */
const CATCH_UP_DAYS = 400;

/**
 * The manager dashboard (issue 18): who may see which part of the organization is asked of the
 * policy first; figures come from the daily rollup, and from `messages` for the days not rolled
 * up yet (today at least), for the period asked and the one of the same length before it.
 */
export class DashboardService extends Wired<{
	repository: DashboardRepository;
	org: OrgRepository;
}>() {
	/** The scopes the actor may see, their own first (the page's picker). */
	async scopes(actor: Actor): Promise<DashboardScope[]> {
		this.requireManager(actor);
		const [departments, teams] = await Promise.all([
			this.org.listDepartments(actor.orgId),
			this.org.listTeams(actor.orgId)
		]);
		const departmentName = new Map(departments.map((d) => [d.id, d.name]));
		const orgScope: DashboardScopeRef = { kind: 'org', orgId: actor.orgId };
		const visible: DashboardScope[] = policy.viewDashboard(actor, orgScope)
			? [{ kind: 'org', id: null, name: 'Whole organization', param: 'org' }]
			: [];
		for (const department of departments) {
			if (department.archivedAt) continue;
			const ref = { kind: 'department', orgId: department.orgId, id: department.id } as const;
			if (policy.viewDashboard(actor, ref)) visible.push(scopeOf(ref, department.name));
		}
		for (const team of teams) {
			if (team.archivedAt) continue;
			const ref = { kind: 'team', ...team } as const;
			if (policy.viewDashboard(actor, ref)) {
				const department = departmentName.get(team.departmentId);
				visible.push(scopeOf(ref, department ? `${team.name} (${department})` : team.name));
			}
		}
		const own = this.defaultScope(actor);
		return visible.sort((a, b) => Number(b.param === own) - Number(a.param === own));
	}

	async dashboard(
		actor: Actor,
		query: DashboardQuery,
		today = dayOf(new Date())
	): Promise<Dashboard> {
		const scope = await this.requireScope(actor, query.scope);
		const period = this.requirePeriod(query, today);
		const previous = previousPeriod(period);
		const range = { from: previous.from, to: period.to };
		const people: ScopePeople =
			scope.kind === 'org'
				? { kind: 'org', orgId: actor.orgId }
				: { kind: scope.kind, id: scope.id!, orgId: actor.orgId };

		const rolled = await this.repository.rolledUpDays(range);
		const liveFrom =
			daysOf({ ...range, days: previous.days * 2 }).find((d) => !rolled.has(d)) ?? null;
		const [days, periods, replies, periodReplies, channels] = await Promise.all([
			this.repository.dayFigures(people, range, liveFrom),
			this.repository.periodFigures(people, range, liveFrom, period.from),
			this.repository.replyFigures(people, range, liveFrom),
			this.repository.periodReplyFigures(people, range, liveFrom, period.from),
			this.repository.channelFigures(people, range, liveFrom, period.from, BUSIEST_CHANNELS)
		]);
		const byDay = new Map(days.map((row) => [row.day, row]));
		const repliesByDay = new Map(replies.map((row) => [row.day, row]));
		const dayList = (of: Period): DashboardDay[] =>
			daysOf(of).map((day) => ({
				day,
				messages: byDay.get(day)?.messages ?? 0,
				activePeople: byDay.get(day)?.activePeople ?? 0,
				medianReplySeconds: repliesByDay.get(day)?.medianReplySeconds ?? null,
				repliedThreads: repliesByDay.get(day)?.repliedThreads ?? 0
			}));
		const currentDays = dayList(period);
		const previousDays = dayList(previous);
		const totals = (current: boolean, list: DashboardDay[]): DashboardTotals => {
			const reply = periodReplies.find((row) => row.current === current);
			return {
				messages: list.reduce((sum, day) => sum + day.messages, 0),
				activePeople: periods.find((row) => row.current === current)?.activePeople ?? 0,
				medianReplySeconds: reply?.medianReplySeconds ?? null,
				repliedThreads: reply?.repliedThreads ?? 0
			};
		};
		return {
			scope,
			period,
			previousPeriod: previous,
			days: currentDays,
			previousDays,
			totals: totals(true, currentDays),
			previousTotals: totals(false, previousDays),
			channels,
			liveFrom
		};
	}

	/** Rolls up one finished day again (the job with a day: replaces what was there). */
	async rollUpDay(day: string): Promise<void> {
		await this.repository.rollUpDay(day);
	}

	/** Rolls up every finished day that is not yet (the daily job); answers the days done. */
	async catchUp(today = dayOf(new Date())): Promise<string[]> {
		const days = await this.repository.daysToRollUp(today, CATCH_UP_DAYS);
		if (days.length > 0) await this.repository.refreshStatistics();
		for (const day of days) await this.repository.rollUpDay(day);
		return days;
	}

	/** The dashboard belongs to /admin: people who manage something (policy.accessAdmin). */
	private requireManager(actor: Actor): void {
		if (!policy.accessAdmin(actor)) {
			throw forbidden('The dashboard is for Team Managers, Department Heads and Super Admins.');
		}
	}

	private defaultScope(actor: Actor): string {
		if (actor.role === 'team_manager' && actor.teamId) return `team:${actor.teamId}`;
		if (actor.role === 'department_head' && actor.departmentId) {
			return `department:${actor.departmentId}`;
		}
		return 'org';
	}

	private async requireScope(
		actor: Actor,
		asked: DashboardScopeParam | undefined
	): Promise<DashboardScope> {
		this.requireManager(actor);
		const wanted: DashboardScopeParam =
			asked ??
			(actor.role === 'team_manager' && actor.teamId
				? { kind: 'team', id: actor.teamId }
				: actor.role === 'department_head' && actor.departmentId
					? { kind: 'department', id: actor.departmentId }
					: { kind: 'org' });
		if (wanted.kind === 'org') {
			const ref = { kind: 'org', orgId: actor.orgId } as const;
			if (!policy.viewDashboard(actor, ref)) {
				throw forbidden('Only Super Admins see the whole organization’s dashboard.');
			}
			return { kind: 'org', id: null, name: 'Whole organization', param: 'org' };
		}
		if (wanted.kind === 'department') {
			const department = await this.org.findDepartment(wanted.id);
			if (!department || department.orgId !== actor.orgId) throw notFound('That department');
			const ref = { kind: 'department', orgId: department.orgId, id: department.id } as const;
			if (!policy.viewDashboard(actor, ref)) {
				throw forbidden('You may see the dashboard of your own team or department only.');
			}
			return scopeOf(ref, department.name);
		}
		const team = await this.org.findTeam(wanted.id);
		if (!team || team.orgId !== actor.orgId) throw notFound('That team');
		const ref = { kind: 'team', ...team } as const;
		if (!policy.viewDashboard(actor, ref)) {
			throw forbidden('You may see the dashboard of your own team or department only.');
		}
		return scopeOf(ref, team.name);
	}

	private requirePeriod(query: DashboardQuery, today: string): Period {
		const resolved = resolvePeriod(query, today);
		if ('period' in resolved) return resolved.period;
		throw new AppError('VALIDATION_FAILED', `${resolved.field}: ${resolved.message}`, {
			details: { where: 'query', issues: [{ path: resolved.field, message: resolved.message }] }
		});
	}
}

function scopeOf(ref: DashboardScopeRef & { id: string }, name: string): DashboardScope {
	return { kind: ref.kind, id: ref.id, name, param: `${ref.kind}:${ref.id}` };
}
