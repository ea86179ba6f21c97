import { handle } from '../http/endpoint.ts';
import * as people from '#shared/api/people.ts';

export const directory = handle(people.directory, ({ ctx, user, query }) =>
	ctx.people.directory(user, query)
);

export const orgChart = handle(people.orgChart, ({ ctx, user }) => ctx.people.orgChart(user));

export const profile = handle(people.profile, ({ ctx, user, params }) =>
	ctx.people.profile(user, params.id)
);

export const assignPerson = handle(people.assignPerson, ({ ctx, user, params, body }) =>
	ctx.people.assign(user, params.id, body)
);

export const deactivatePerson = handle(people.deactivatePerson, ({ ctx, user, params }) =>
	ctx.people.deactivate(user, params.id)
);

export const reactivatePerson = handle(people.reactivatePerson, ({ ctx, user, params }) =>
	ctx.people.reactivate(user, params.id)
);

export const approvePerson = handle(people.approvePerson, ({ ctx, user, params }) =>
	ctx.people.approve(user, params.id)
);

export const declinePerson = handle(people.declinePerson, ({ ctx, user, params }) =>
	ctx.people.decline(user, params.id)
);

export const auditLog = handle(people.auditLog, async ({ ctx, user, query }) => ({
	entries: await ctx.audit.list(user, query)
}));
