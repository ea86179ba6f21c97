/**
 * Files of messages. A file is uploaded into a pending record of one conversation (`message_id`
 * null) and is tied to the message that carries it once that message is accepted; retention and
 * export find a conversation's or a person's files here. `storage_key` is chosen by the server.
 */
export default `
create table files (
	id uuid primary key,
	org_id uuid not null references organizations(id) on delete cascade,
	channel_id uuid not null references channels(id) on delete cascade,
	uploader_id uuid not null references users(id),
	message_id uuid,
	name text not null,
	kind text not null check (kind in ('image', 'file', 'voice')),
	mime_type text not null,
	size bigint not null,
	width int,
	height int,
	duration_ms int,
	waveform text,
	storage_key text not null unique,
	-- An image's thumbnail and preview (WebP) are stored beside it: <key>.thumbnail, <key>.preview.
	has_previews boolean not null default false,
	created_at timestamptz not null default now()
);
create index files_channel on files (channel_id, created_at);
create index files_uploader on files (uploader_id, created_at);
create index files_org on files (org_id);
`;
