import type { ChannelSummary } from '$lib/shared/api/channels.schema.ts';

/** How channels are named and ordered on screen (sidebar, switcher, search labels, notices). */

export interface ChannelGroup {
	kind: ChannelSummary['kind'];
	label: string;
	channels: ChannelSummary[];
}

const GROUPS: { kind: ChannelSummary['kind']; label: string }[] = [
	{ kind: 'announcements', label: 'Announcements' },
	{ kind: 'department', label: 'Departments' },
	{ kind: 'team', label: 'Teams' },
	{ kind: 'project', label: 'Projects' },
	{ kind: 'private', label: 'Private groups' },
	{ kind: 'dm', label: 'Direct messages' }
];

/** What a channel is called: its name, or for a direct conversation the other people. */
export function channelTitle(channel: Pick<ChannelSummary, 'kind' | 'name' | 'partners'>): string {
	if (channel.kind !== 'dm') return channel.name;
	const names = channel.partners.map((partner) => partner.name);
	return names.length > 0 ? names.join(', ') : 'Just you';
}

/** A channel's title, or "a conversation" for one no longer known (in a notice). */
export function channelTitleOf(channel: ChannelSummary | null): string {
	return channel ? channelTitle(channel) : 'a conversation';
}

/** Channels in sidebar order: by kind, then by title. */
export function channelGroups(channels: readonly ChannelSummary[]): ChannelGroup[] {
	return GROUPS.map(({ kind, label }) => ({
		kind,
		label,
		channels: channels
			.filter((channel) => channel.kind === kind)
			.sort((a, b) => channelTitle(a).localeCompare(channelTitle(b)))
	}));
}

/**
 * The browser tab title's prefix, as Slack shows it: "(3) " counts what is addressed to the
 * person (mentions, and direct messages), "* " only says that channels have unread chatter,
 * so a busy channel does not look like someone is waiting for an answer.
 */
export function attentionPrefix(attention: { addressed: number; unread: boolean }): string {
	if (attention.addressed > 0)
		return `(${attention.addressed > 99 ? '99+' : attention.addressed}) `;
	return attention.unread ? '* ' : '';
}
