import { handle } from '../http/endpoint.ts';
import * as contracts from '#shared/api/push.ts';

export const pushKey = handle(contracts.pushKey, ({ ctx }) => ctx.push.publicKey());

export const subscribePush = handle(contracts.subscribePush, ({ ctx, user, body, event }) =>
	ctx.push.subscribe(user, body, event.request.headers.get('user-agent') ?? '')
);

export const unsubscribePush = handle(contracts.unsubscribePush, ({ ctx, user, body }) =>
	ctx.push.unsubscribe(user, body.endpoint)
);
