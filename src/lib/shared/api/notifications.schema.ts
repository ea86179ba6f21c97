import { z } from 'zod';
import { channelKinds } from '../policy.ts';
import { isTimeZone } from '../notifications/do-not-disturb.ts';

/**
 * Why a person is notified: named in a message (`mention`), included by @channel or @team
 * (`group`), a reply in a thread they wrote in or follow (`reply`), a direct message
 * (`direct`), added to a conversation (`invitation`), invited into a breakout room (`breakout`),
 * a decision on one's approval request (`approval`, its `messageId` the request's id), a request
 * waiting for one's decision (`approval-request`, its `messageId` the request's id, its snippet
 * what is asked: "asks to join “Leads”"; read once anyone decided it).
 */
export const notificationReasons = [
	'mention',
	'group',
	'reply',
	'direct',
	'invitation',
	'breakout',
	'approval',
	'approval-request'
] as const;
export type NotificationReason = (typeof notificationReasons)[number];

/** What a person is notified of: everything addressed to them, mentions and DMs, nothing. */
export const notificationLevels = ['all', 'mentions', 'nothing'] as const;
export type NotificationLevel = (typeof notificationLevels)[number];

/** A conversation's own level; `default` follows the person's. */
export const channelNotificationLevels = ['default', ...notificationLevels] as const;
export type ChannelNotificationLevel = (typeof channelNotificationLevels)[number];

/** The reasons that the level `mentions` keeps (everything but thread replies). */
export const MENTION_REASONS: readonly NotificationReason[] = [
	'mention',
	'group',
	'direct',
	'invitation',
	'breakout',
	'approval',
	'approval-request'
];

export const notificationSchema = z.object({
	id: z.uuid(),
	channelId: z.uuid(),
	channelName: z.string(),
	channelKind: z.enum(channelKinds),
	/** Null for an invitation. */
	messageId: z.uuid().nullable(),
	/** The thread a reply belongs to. */
	threadId: z.uuid().nullable(),
	reason: z.enum(notificationReasons),
	actor: z.object({ id: z.uuid(), name: z.string() }).nullable(),
	snippet: z.string(),
	createdAt: z.iso.datetime({ offset: true }),
	readAt: z.iso.datetime({ offset: true }).nullable(),
	/** Made during the person's do-not-disturb hours: email and push hold it. */
	heldByDnd: z.boolean()
});
export type Notification = z.infer<typeof notificationSchema>;

export const listNotificationsQuery = z.object({
	/** The last notification of the previous page: the page goes on after it. */
	after: z.uuid('Not a valid id.').optional(),
	limit: z.coerce.number().int().min(1).max(100).default(50),
	unread: z
		.enum(['true', 'false'])
		.optional()
		.transform((value) => value === 'true')
});
export type ListNotificationsQuery = z.output<typeof listNotificationsQuery>;

export const notificationPageSchema = z.object({
	/** Newest first; the browser groups them by conversation. */
	notifications: z.array(notificationSchema),
	unread: z.number().int().nonnegative(),
	/** Pass as `after` for the next page; null on the last page. */
	next: z.uuid().nullable()
});
export type NotificationPage = z.infer<typeof notificationPageSchema>;

export const unreadAnswerSchema = z.object({ unread: z.number().int().nonnegative() });

export const markAllReadSchema = z.object({
	/** Only this conversation's; all of them when null (said, so that an empty body is refused). */
	channelId: z.uuid('Not a valid id.').nullable()
});
export type MarkAllReadInput = z.output<typeof markAllReadSchema>;

const clock = z
	.string()
	.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'A time of day as HH:MM, 00:00 to 23:59.');

export const doNotDisturbSchema = z.object({
	enabled: z.boolean(),
	days: z
		.array(z.number().int().min(0, 'Days are 0 (Sunday) to 6.').max(6, 'Days are 0 (Sunday) to 6.'))
		.max(7)
		.transform((days) => [...new Set(days)].sort()),
	from: clock,
	to: clock,
	timeZone: z.string().max(64).refine(isTimeZone, 'An IANA time zone, such as Europe/Paris.')
});

export const notificationPreferencesSchema = z.object({
	level: z.enum(notificationLevels),
	dnd: doNotDisturbSchema
});
export type NotificationPreferencesInput = z.output<typeof notificationPreferencesSchema>;

export const channelNotificationSettingSchema = z.object({
	level: z.enum(channelNotificationLevels),
	muted: z.boolean()
});
export type ChannelNotificationSettingInput = z.output<typeof channelNotificationSettingSchema>;

export const channelNotificationSchema = channelNotificationSettingSchema.extend({
	channelId: z.uuid(),
	channelName: z.string(),
	channelKind: z.enum(channelKinds)
});
export type ChannelNotificationSetting = z.infer<typeof channelNotificationSchema>;

export const notificationSettingsSchema = notificationPreferencesSchema.extend({
	/** Conversations with a level of their own or muted. */
	channels: z.array(channelNotificationSchema)
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

export const threadFollowSchema = z.object({ following: z.boolean() });
export type ThreadFollowInput = z.output<typeof threadFollowSchema>;
