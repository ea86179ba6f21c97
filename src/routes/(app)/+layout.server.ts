import { pageContext } from '$lib/server/http/page.ts';
import { policy } from '$lib/shared/policy.ts';
import type { LayoutServerLoad } from './$types';

/** Every page of the application needs a signed-in person; others go to /signin?next=… */
export const load: LayoutServerLoad = async (event) => {
	const { user } = await pageContext(event);
	return { user, canAdmin: policy.accessAdmin(user) };
};
