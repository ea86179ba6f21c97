/**
 * Email and Web Push delivery.
 *
 * - `server_secrets`: values the server makes once at first start and every process and restart
 *   must share (the HMAC key of unsubscribe links, the VAPID key pair). Written insert-if-absent
 *   and read back, so two processes starting together agree on one value.
 * - `notification_settings`: per-person delivery switches; a missing row means the defaults.
 * - `push_subscriptions`: one row per browser a person enabled push on. The endpoint is the
 *   browser's address at its push service and identifies the subscription.
 */
export default `
create table server_secrets (
	name text primary key,
	value text not null,
	created_at timestamptz not null default now()
);

create table notification_settings (
	user_id uuid primary key references users(id) on delete cascade,
	email_enabled boolean not null default true,
	updated_at timestamptz not null default now()
);

create table push_subscriptions (
	id uuid primary key default gen_random_uuid(),
	user_id uuid not null references users(id) on delete cascade,
	endpoint text not null unique,
	p256dh text not null,
	auth text not null,
	user_agent text not null default '',
	created_at timestamptz not null default now()
);
create index push_subscriptions_user on push_subscriptions (user_id);
`;
