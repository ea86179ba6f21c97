import { z } from 'zod';
import { defineContract, idParams } from './contract.ts';
import {
	channelNotificationSchema,
	channelNotificationSettingSchema,
	listNotificationsQuery,
	markAllReadSchema,
	notificationPageSchema,
	notificationPreferencesSchema,
	notificationSettingsSchema,
	threadFollowSchema,
	unreadAnswerSchema
} from './notifications.schema.ts';

/** In-app notifications, their read state, and what a person wants to be notified of. */
export const listNotifications = defineContract({
	method: 'GET',
	path: '/api/notifications',
	summary: 'My notifications, newest first, a page at a time, with the unread count',
	tag: 'Notifications',
	requiresUser: true,
	query: listNotificationsQuery,
	response: notificationPageSchema
});

export const markNotificationRead = defineContract({
	method: 'POST',
	path: '/api/notifications/{id}/read',
	summary: 'Mark one of my notifications read (on every device)',
	tag: 'Notifications',
	requiresUser: true,
	params: idParams,
	response: unreadAnswerSchema
});

export const markNotificationsRead = defineContract({
	method: 'POST',
	path: '/api/notifications/read',
	summary: 'Mark all my notifications read, or those of one conversation',
	tag: 'Notifications',
	requiresUser: true,
	body: markAllReadSchema,
	response: unreadAnswerSchema
});

export const notificationSettings = defineContract({
	method: 'GET',
	path: '/api/notifications/preferences',
	summary: 'What I am notified of, my do-not-disturb hours and my conversations’ own levels',
	tag: 'Notifications',
	requiresUser: true,
	response: notificationSettingsSchema
});

export const updateNotificationPreferences = defineContract({
	method: 'PUT',
	path: '/api/notifications/preferences',
	summary: 'Set what I am notified of and my do-not-disturb hours',
	tag: 'Notifications',
	requiresUser: true,
	body: notificationPreferencesSchema,
	response: notificationSettingsSchema
});

export const updateChannelNotifications = defineContract({
	method: 'PUT',
	path: '/api/notifications/channels/{id}',
	summary: 'Set a conversation’s own notification level, or mute it',
	tag: 'Notifications',
	requiresUser: true,
	params: idParams,
	body: channelNotificationSettingSchema,
	response: channelNotificationSchema
});

export const followThread = defineContract({
	method: 'PUT',
	path: '/api/notifications/threads/{id}',
	summary: 'Follow or unfollow a thread (by its first message): replies notify its followers',
	tag: 'Notifications',
	requiresUser: true,
	params: idParams,
	body: threadFollowSchema,
	response: z.object({ following: z.boolean() })
});

export const threadFollowing = defineContract({
	method: 'GET',
	path: '/api/notifications/threads/{id}',
	summary: 'Whether I follow a thread',
	tag: 'Notifications',
	requiresUser: true,
	params: idParams,
	response: z.object({ following: z.boolean() })
});
