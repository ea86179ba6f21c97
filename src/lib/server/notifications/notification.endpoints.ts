import { handle } from '../http/endpoint.ts';
import * as notifications from '#shared/api/notifications.ts';

export const listNotifications = handle(notifications.listNotifications, ({ ctx, user, query }) =>
	ctx.notifications.list(user, query)
);

export const markNotificationRead = handle(
	notifications.markNotificationRead,
	({ ctx, user, params }) => ctx.notifications.markRead(user, params.id)
);

export const markNotificationsRead = handle(
	notifications.markNotificationsRead,
	({ ctx, user, body }) => ctx.notifications.markAllRead(user, body)
);

export const notificationSettings = handle(notifications.notificationSettings, ({ ctx, user }) =>
	ctx.notifications.settings(user)
);

export const updateNotificationPreferences = handle(
	notifications.updateNotificationPreferences,
	({ ctx, user, body }) => ctx.notifications.updatePreferences(user, body)
);

export const updateChannelNotifications = handle(
	notifications.updateChannelNotifications,
	({ ctx, user, params, body }) => ctx.notifications.updateChannel(user, params.id, body)
);

export const followThread = handle(notifications.followThread, ({ ctx, user, params, body }) =>
	ctx.notifications.follow(user, params.id, body.following)
);

export const threadFollowing = handle(notifications.threadFollowing, ({ ctx, user, params }) =>
	ctx.notifications.following(user, params.id)
);
