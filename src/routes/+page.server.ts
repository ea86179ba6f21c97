import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** Signed-in people go straight to their home; everyone else sees the landing page. */
export const load: PageServerLoad = ({ locals }) => {
	if (locals.user) redirect(303, '/home');
};
