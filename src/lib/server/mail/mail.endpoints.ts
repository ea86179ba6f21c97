import { handle } from '../http/endpoint.ts';
import * as contracts from '#shared/api/mail.ts';

export const emailSettings = handle(contracts.emailSettings, ({ ctx, user }) =>
	ctx.email.status(user)
);

export const setEmailSettings = handle(contracts.setEmailSettings, ({ ctx, user, body }) =>
	ctx.email.update(user, body)
);
