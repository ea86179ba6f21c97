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
	{ kind: 'breakout', label: 'Breakouts' },
	{ kind: 'dm', label: 'Direct messages' }
];

/** How long an ended breakout room stays in the sidebar, as its transcript. */
export const ENDED_BREAKOUT_LISTED_MS = 24 * 3_600_000;

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

/**
 * Channels in sidebar order: by kind, then by title. Breakout rooms: the running ones first,
 * soonest end first, then those that ended in the last day (their transcripts), newest first;
 * older ones stay reachable from their summaries in the parent, not in the sidebar.
 */
export function channelGroups(
	channels: readonly ChannelSummary[],
	now: number = Date.now()
): ChannelGroup[] {
	return GROUPS.map(({ kind, label }) => {
		const mine = channels.filter((channel) => channel.kind === kind);
		if (kind !== 'breakout') {
			return {
				kind,
				label,
				channels: mine.sort((a, b) => channelTitle(a).localeCompare(channelTitle(b)))
			};
		}
		const end = (channel: ChannelSummary) => Date.parse(channel.endsAt ?? '') || 0;
		const running = mine.filter((channel) => end(channel) > now).sort((a, b) => end(a) - end(b));
		const ended = mine
			.filter((channel) => end(channel) <= now && now - end(channel) < ENDED_BREAKOUT_LISTED_MS)
			.sort((a, b) => end(b) - end(a));
		return { kind, label, channels: [...running, ...ended] };
	});
}

/** Whether a breakout room (or project room) has ended at `now`: it is read-only then. */
export function hasEnded(
	channel: Pick<ChannelSummary, 'endsAt' | 'archived'>,
	now: number
): boolean {
	return channel.archived || (channel.endsAt !== null && Date.parse(channel.endsAt) <= now);
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
