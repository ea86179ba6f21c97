import { handle } from '../http/endpoint.ts';
import * as retention from '#shared/api/retention.ts';

export const retentionOverview = handle(retention.retentionOverview, ({ ctx, user }) =>
	ctx.retention.overview(user)
);

export const setOrgRetention = handle(retention.setOrgRetention, ({ ctx, user, body }) =>
	ctx.retention.setOrgRule(user, body.rule)
);

export const previewOrgRetention = handle(retention.previewOrgRetention, ({ ctx, user, body }) =>
	ctx.retention.previewOrgRule(user, body.rule)
);

export const channelRetention = handle(retention.channelRetention, ({ ctx, user, params }) =>
	ctx.retention.channelRule(user, params.id)
);

export const setChannelRetention = handle(
	retention.setChannelRetention,
	({ ctx, user, params, body }) => ctx.retention.setChannelRule(user, params.id, body.rule)
);

export const previewChannelRetention = handle(
	retention.previewChannelRetention,
	({ ctx, user, params, body }) => ctx.retention.previewChannelRule(user, params.id, body.rule)
);

export const placeLegalHold = handle(retention.placeLegalHold, ({ ctx, user, body }) =>
	ctx.retention.placeHold(user, body)
);

export const liftLegalHold = handle(retention.liftLegalHold, ({ ctx, user, params }) =>
	ctx.retention.liftHold(user, params.id)
);

export const runRetention = handle(retention.runRetention, ({ ctx, user }) =>
	ctx.retention.scheduleRun(user)
);

export const retentionRuns = handle(retention.retentionRuns, ({ ctx, user }) =>
	ctx.retention.runs(user)
);
