import { MAX_MENTIONS_PER_MESSAGE, type Mention } from './document-schema.ts';

/**
 * @mentions in message text: which people (and groups) a text names, and the autocomplete of
 * the composer. A person is mentioned by `@` and their full name as the channel knows it;
 * `@channel` mentions everyone in the channel, `@team` everyone in its team.
 */

export interface MentionPerson {
	id: string;
	name: string;
}

export const GROUP_MENTIONS = [
	{ id: 'channel', name: 'channel', description: 'Notify everyone in this channel' },
	{ id: 'team', name: 'team', description: 'Notify everyone in the team' }
] as const;

export type GroupMention = (typeof GROUP_MENTIONS)[number]['id'];

const WORD = /[\p{L}\p{N}_]/u;

function isBoundary(char: string | undefined): boolean {
	return char === undefined || !WORD.test(char);
}

/**
 * The mentions a text makes, in order of first appearance, without repeats. Longer names win
 * over shorter ones that start the same way ("@Ann Lee" is Ann Lee, not Ann).
 */
export function parseMentions(text: string, members: readonly MentionPerson[]): Mention[] {
	const candidates = [
		...GROUP_MENTIONS.map((group) => ({ id: group.id as Mention, name: group.name })),
		...members
			.filter((member) => member.name.trim().length > 0)
			.map((member) => ({ id: member.id as Mention, name: member.name.trim() }))
	].sort((a, b) => b.name.length - a.name.length);
	const found: Mention[] = [];
	const lower = text.toLowerCase();
	for (let index = lower.indexOf('@'); index !== -1; index = lower.indexOf('@', index + 1)) {
		if (!isBoundary(text[index - 1])) continue;
		const rest = lower.slice(index + 1);
		const match = candidates.find(
			(candidate) =>
				rest.startsWith(candidate.name.toLowerCase()) && isBoundary(rest[candidate.name.length])
		);
		if (match && !found.includes(match.id)) {
			found.push(match.id);
			if (found.length >= MAX_MENTIONS_PER_MESSAGE) break;
		}
	}
	return found;
}

/** Whether a message's mentions concern this person (by name, @channel, or @team of theirs). */
export function mentionsPerson(
	mentions: readonly Mention[],
	personId: string,
	options: { sameTeam?: boolean } = {}
): boolean {
	return (
		mentions.includes(personId) ||
		mentions.includes('channel') ||
		(options.sameTeam === true && mentions.includes('team'))
	);
}

export interface MentionQuery {
	/** Index of the `@`. */
	start: number;
	/** What was typed after it, up to the caret. */
	query: string;
}

/**
 * The mention being typed at the caret: an `@` at the start or after a space, then at most
 * two more words (names have spaces) and no line break.
 */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
	const before = text.slice(0, caret);
	const at = before.lastIndexOf('@');
	if (at === -1 || caret - at > 40) return null;
	if (at > 0 && !/\s|[([{"']/.test(before[at - 1]!)) return null;
	const query = before.slice(at + 1);
	if (/\n/.test(query) || (query.match(/ /g)?.length ?? 0) > 2 || /^\s/.test(query)) return null;
	return { start: at, query };
}

export interface MentionOption {
	id: string;
	name: string;
	kind: 'person' | 'group';
	description?: string;
}

function score(name: string, query: string): number {
	const lowerName = name.toLowerCase();
	if (query === '') return 1;
	if (lowerName.startsWith(query)) return 3;
	if (lowerName.split(/\s+/).some((word) => word.startsWith(query))) return 2;
	return lowerName.includes(query) ? 1 : 0;
}

/** Options of the autocomplete for a query: people first by how well they match, then groups. */
export function mentionOptions(
	query: string,
	members: readonly MentionPerson[],
	options: { excludeId?: string; includeTeam?: boolean; limit?: number } = {}
): MentionOption[] {
	const needle = query.trim().toLowerCase();
	const people = members
		.filter((member) => member.id !== options.excludeId)
		.map((member) => ({ member, score: score(member.name, needle) }))
		.filter((entry) => entry.score > 0)
		.sort((a, b) => b.score - a.score || a.member.name.localeCompare(b.member.name))
		.map(({ member }): MentionOption => ({ id: member.id, name: member.name, kind: 'person' }));
	const groups = GROUP_MENTIONS.filter(
		(group) =>
			(group.id !== 'team' || options.includeTeam !== false) && score(group.name, needle) > 0
	).map((group): MentionOption => ({ ...group, kind: 'group' }));
	return [...people, ...groups].slice(0, options.limit ?? 8);
}

/** Replaces the typed `@query` with the chosen name and a space; returns the new caret. */
export function applyMention(
	text: string,
	query: MentionQuery,
	caret: number,
	name: string
): { text: string; caret: number } {
	const inserted = `@${name} `;
	const after = text.slice(caret).replace(/^ /, '');
	return {
		text: text.slice(0, query.start) + inserted + after,
		caret: query.start + inserted.length
	};
}
