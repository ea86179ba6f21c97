import { handle } from '../http/endpoint.ts';
import * as org from '#shared/api/org.ts';

export const structure = handle(org.structure, ({ ctx, user }) => ctx.org.listStructure(user));

export const createDepartment = handle(org.createDepartment, ({ ctx, user, body }) =>
	ctx.org.createDepartment(user, body)
);

export const updateDepartment = handle(org.updateDepartment, ({ ctx, user, params, body }) =>
	ctx.org.updateDepartment(user, params.id, body)
);

export const createTeam = handle(org.createTeam, ({ ctx, user, body }) =>
	ctx.org.createTeam(user, body)
);

export const updateTeam = handle(org.updateTeam, ({ ctx, user, params, body }) =>
	ctx.org.updateTeam(user, params.id, body)
);

export const getJoinCode = handle(org.getJoinCode, ({ ctx, user }) => ctx.org.getJoinCode(user));

export const rotateJoinCode = handle(org.rotateJoinCode, ({ ctx, user }) =>
	ctx.org.rotateJoinCode(user)
);

export const updateJoinCode = handle(org.updateJoinCode, ({ ctx, user, body }) =>
	ctx.org.updateJoinCode(user, body)
);
