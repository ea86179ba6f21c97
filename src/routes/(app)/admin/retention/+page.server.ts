import { error } from '@sveltejs/kit';
import { loadOrFail, pageContext } from '$lib/server/http/page.ts';
import { retentionPolicy } from '$lib/shared/policy.ts';
import { directoryQuerySchema } from '$lib/shared/api/org.schema.ts';
import type { PageServerLoad } from './$types';

/** The organization's retention rule, channels with their own, legal holds and the last run. */
export const load: PageServerLoad = async (event) => {
	const { ctx, user } = await pageContext(event);
	if (!retentionPolicy.setOrgRule(user, { id: user.orgId })) {
		error(403, { code: 'FORBIDDEN', message: 'Only Super Admins manage retention.' });
	}
	const [overview, directory, channels] = await Promise.all([
		loadOrFail(() => ctx.retention.overview(user)),
		loadOrFail(() => ctx.people.directory(user, directoryQuerySchema.parse({ limit: 100 }))),
		loadOrFail(() => ctx.channels.list(user))
	]);
	return {
		overview,
		people: directory.people.map((person) => ({ id: person.id, name: person.name })),
		channels: channels
			.filter((channel) => channel.kind !== 'dm')
			.map((channel) => ({ id: channel.id, name: channel.name }))
	};
};
