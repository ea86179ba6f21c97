import { handle } from '../http/endpoint.ts';
import * as contracts from '#shared/api/exports.ts';

export const createExport = handle(contracts.createExport, ({ ctx, user, body }) =>
	ctx.exports.create(user, body)
);

export const createSelfExport = handle(contracts.createSelfExport, ({ ctx, user, body }) =>
	ctx.exports.createSelf(user, body)
);

export const listExports = handle(contracts.listExports, async ({ ctx, user }) => ({
	exports: await ctx.exports.list(user)
}));

export const getExport = handle(contracts.getExport, ({ ctx, user, params }) =>
	ctx.exports.get(user, params.id)
);

export const downloadExport = handle(contracts.downloadExport, ({ ctx, query }) =>
	ctx.exports.download(query.token)
);

export const exportTargets = handle(contracts.exportTargets, ({ ctx, user }) =>
	ctx.exports.targets(user)
);
