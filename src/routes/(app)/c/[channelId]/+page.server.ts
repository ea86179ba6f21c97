import { error, redirect } from '@sveltejs/kit';
import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import { isUuid } from '$lib/shared/chat/ids.ts';
import type { PageServerLoad } from './$types';

/**
 * One conversation: the channel with its members and what the person may do there; a breakout
 * room comes with its parent, agenda and end (by the server's clock).
 */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const channelId = event.params.channelId;
	// Private groups and others' conversations do not exist for outsiders: same answer as unknown.
	if (!isUuid(channelId))
		error(404, { code: 'NOT_FOUND', message: 'That channel does not exist.' });
	// A private group the person is not in, reached by its link: they may ask to join it.
	const channel = await loadOrFail(() =>
		ctx.channels.detail(user, channelId).catch(async (caught: unknown) => {
			const group = await ctx.approvals.groupToJoin(user, channelId).catch(() => null);
			if (group && !group.member) redirect(303, `/approvals/join/${channelId}`);
			throw caught;
		})
	);
	const breakout =
		channel.kind === 'breakout' ? await loadOrFail(() => ctx.breakouts.get(user, channelId)) : null;
	return { channel, breakout };
};
