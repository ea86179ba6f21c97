import { pageContext } from '$lib/server/http/page.ts';
import { broadcastPolicy, policy } from '$lib/shared/policy.ts';
import type { LayoutServerLoad } from './$types';
import { logger } from '$lib/server/logging/logger.ts';

/**
 * Every page of the application needs a signed-in person; others go to /signin?next=…
 * The sidebar's conversations come along, so that the first paint already lists them, with the
 * seq of the person's feed read before them: the tab's feed resumes from there, so a change made
 * while the page loads still reaches it. So do the newest notifications (the bell's count).
 */
export const load: LayoutServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const feedSeq = await ctx.feed.head(user.id).catch((error: unknown) => {
		logger.error({ err: error }, 'could not read the feed');
		return 0;
	});
	const channels = await ctx.channels.list(user).catch((error: unknown) => {
		logger.error({ err: error }, 'could not list channels');
		return [];
	});
	// Read after the feed's seq, like the channels: a notification made meanwhile arrives by
	// the feed too, and the bell counts it once (by id).
	const notifications = await ctx.notifications
		.list(user, { limit: 30, unread: false })
		.catch((error: unknown) => {
			logger.error({ err: error }, 'could not list notifications');
			return { notifications: [], unread: 0, next: null };
		});
	// Emergency broadcasts not acknowledged yet: their banners show from the first paint (and
	// from the kept page offline); the feed brings any sent meanwhile.
	const broadcasts = await ctx.broadcasts.pending(user).catch((error: unknown) => {
		logger.error({ err: error }, 'could not list broadcasts');
		return [];
	});
	// Requests waiting for the person's decision: the navigation's badge.
	const approvalsPending = await ctx.approvals.pendingCount(user).catch((error: unknown) => {
		logger.error({ err: error }, 'could not count approval requests');
		return 0;
	});
	// The largest file the server takes: the composer refuses a larger one before sending it.
	const maxFileBytes = Math.floor(ctx.config.MAX_FILE_MB * 1024 * 1024);
	return {
		user,
		canAdmin: policy.accessAdmin(user),
		channels,
		feedSeq,
		notifications,
		broadcasts,
		canBroadcast: broadcastPolicy.sendAny(user),
		approvalsPending,
		maxFileBytes
	};
};
