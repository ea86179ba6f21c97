import { error } from '@sveltejs/kit';
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
	const channel = await loadOrFail(() => ctx.channels.detail(user, channelId));
	const breakout =
		channel.kind === 'breakout' ? await loadOrFail(() => ctx.breakouts.get(user, channelId)) : null;
	return { channel, breakout };
};
