import { redirect } from '@sveltejs/kit';
import { safeNext } from '../auth-helpers.ts';
import type { PageServerLoad } from './$types';

/** Someone already signed in goes where they were heading. */
export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
};
