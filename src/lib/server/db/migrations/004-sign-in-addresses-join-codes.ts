/**
 * Addresses a person has signed in from: a correct password from one of them is not held back
 * by failures other people caused there or elsewhere (see auth/sign-in-throttle.ts).
 * Join codes are looked up without their dashes, so a code typed with spaces or without dashes
 * works, in the old four-four form as in the new longer one.
 */
export default `
create table sign_in_addresses (
	user_id uuid not null references users(id) on delete cascade,
	address text not null,
	last_signed_in_at timestamptz not null,
	primary key (user_id, address)
);
create unique index organizations_join_code_compact on organizations (replace(join_code, '-', ''));
`;
