import type { ApiError } from '$lib/client/api.ts';
import type { FormState } from '$lib/components/common/form.svelte.ts';

/**
 * What shared fields need of their page's form (the one that validates with the operation's
 * schema): the errors of `Field`, and clearing one as the person types.
 */
export type FormFields<Field extends string> = Pick<FormState<Field>, 'fieldErrors' | 'clearField'>;

/** Who a new account is, as the person fills it in (creating an organization or joining one). */
export interface AccountDetails {
	name: string;
	email: string;
	title: string;
	password: string;
}

export const noAccountDetails = (): AccountDetails => ({
	name: '',
	email: '',
	title: '',
	password: ''
});

/**
 * Shows what the server said against a new account on the field it is about (a taken email, a
 * weak password) instead of as the form's message; anything else is left to the page.
 */
export function placeAccountError(
	form: Pick<FormState<'email' | 'password'>, 'setField' | 'message'>,
	error: ApiError
): void {
	if (error.code === 'EMAIL_TAKEN') {
		form.setField('email', 'An account with this email already exists.');
	} else if (error.code === 'WEAK_PASSWORD') {
		form.setField('password', error.message);
	} else return;
	form.message = null;
}
