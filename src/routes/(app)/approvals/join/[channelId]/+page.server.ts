import { error, redirect } from '@sveltejs/kit';
import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import { isUuid } from '$lib/shared/chat/ids.ts';
import type { PageServerLoad } from './$types';

/**
 * A private group reached by its link by someone who is not in it: they may ask its owner to let
 * them in. Its name is not shown (the group stays unseen until they are in); a member goes
 * straight to it.
 */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	const channelId = event.params.channelId;
	if (!isUuid(channelId)) error(404, { code: 'NOT_FOUND', message: 'That group does not exist.' });
	const group = await loadOrFail(() => ctx.approvals.groupToJoin(user, channelId));
	if (group.member) redirect(303, `/c/${channelId}`);
	return { channelId, pending: group.pendingRequestId !== null };
};
