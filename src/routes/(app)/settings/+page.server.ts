import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** Settings open on their first page (links in emails and the menu say /settings). */
export const load: PageServerLoad = () => {
	redirect(307, '/settings/notifications');
};
