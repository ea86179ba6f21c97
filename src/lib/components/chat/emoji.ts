/** The emoji of the picker: common reactions with names to search by. */
export interface EmojiEntry {
	emoji: string;
	name: string;
	keywords?: string;
}

export const EMOJI: EmojiEntry[] = [
	{ emoji: '👍', name: 'thumbs up', keywords: 'yes ok like +1 agree' },
	{ emoji: '👎', name: 'thumbs down', keywords: 'no dislike -1' },
	{ emoji: '❤️', name: 'red heart', keywords: 'love like' },
	{ emoji: '😂', name: 'tears of joy', keywords: 'laugh lol funny' },
	{ emoji: '🎉', name: 'party popper', keywords: 'tada celebrate congrats' },
	{ emoji: '🙏', name: 'folded hands', keywords: 'thanks please pray' },
	{ emoji: '👀', name: 'eyes', keywords: 'look watching seen' },
	{ emoji: '✅', name: 'check mark', keywords: 'done yes ok' },
	{ emoji: '🔥', name: 'fire', keywords: 'hot lit' },
	{ emoji: '🚀', name: 'rocket', keywords: 'launch ship fast' },
	{ emoji: '😀', name: 'grinning face', keywords: 'smile happy' },
	{ emoji: '😄', name: 'smiling face', keywords: 'happy joy' },
	{ emoji: '😊', name: 'blush', keywords: 'smile happy' },
	{ emoji: '😉', name: 'wink' },
	{ emoji: '😍', name: 'heart eyes', keywords: 'love' },
	{ emoji: '🤩', name: 'star struck', keywords: 'wow' },
	{ emoji: '😎', name: 'sunglasses', keywords: 'cool' },
	{ emoji: '🤔', name: 'thinking', keywords: 'hmm consider' },
	{ emoji: '😅', name: 'sweat smile', keywords: 'phew relief' },
	{ emoji: '😬', name: 'grimace', keywords: 'awkward oops' },
	{ emoji: '😮', name: 'surprised', keywords: 'wow shock' },
	{ emoji: '😢', name: 'crying', keywords: 'sad tear' },
	{ emoji: '😭', name: 'sobbing', keywords: 'sad cry' },
	{ emoji: '😡', name: 'angry', keywords: 'mad' },
	{ emoji: '🥳', name: 'partying face', keywords: 'celebrate birthday' },
	{ emoji: '🤯', name: 'mind blown', keywords: 'wow' },
	{ emoji: '😴', name: 'sleeping', keywords: 'tired zzz' },
	{ emoji: '🙃', name: 'upside down', keywords: 'silly' },
	{ emoji: '🤝', name: 'handshake', keywords: 'deal agree' },
	{ emoji: '👏', name: 'clapping', keywords: 'applause bravo' },
	{ emoji: '🙌', name: 'raising hands', keywords: 'hooray praise' },
	{ emoji: '💪', name: 'flexed biceps', keywords: 'strong' },
	{ emoji: '👋', name: 'waving hand', keywords: 'hello hi bye' },
	{ emoji: '✋', name: 'raised hand', keywords: 'stop wait' },
	{ emoji: '👌', name: 'ok hand', keywords: 'perfect fine' },
	{ emoji: '🤞', name: 'crossed fingers', keywords: 'luck hope' },
	{ emoji: '☝️', name: 'index pointing up', keywords: 'this' },
	{ emoji: '💯', name: 'hundred points', keywords: 'perfect 100' },
	{ emoji: '⭐', name: 'star', keywords: 'favorite' },
	{ emoji: '✨', name: 'sparkles', keywords: 'new shiny' },
	{ emoji: '💡', name: 'light bulb', keywords: 'idea' },
	{ emoji: '📌', name: 'pushpin', keywords: 'pin important' },
	{ emoji: '📣', name: 'megaphone', keywords: 'announce' },
	{ emoji: '📅', name: 'calendar', keywords: 'date schedule' },
	{ emoji: '⏰', name: 'alarm clock', keywords: 'time late' },
	{ emoji: '☕', name: 'coffee', keywords: 'break' },
	{ emoji: '🍕', name: 'pizza', keywords: 'food lunch' },
	{ emoji: '🎂', name: 'birthday cake', keywords: 'celebrate' },
	{ emoji: '🏆', name: 'trophy', keywords: 'win award' },
	{ emoji: '🐛', name: 'bug', keywords: 'issue defect' },
	{ emoji: '🛠️', name: 'tools', keywords: 'fix build' },
	{ emoji: '📈', name: 'chart up', keywords: 'growth increase' },
	{ emoji: '📉', name: 'chart down', keywords: 'decrease' },
	{ emoji: '❗', name: 'exclamation', keywords: 'important' },
	{ emoji: '❓', name: 'question', keywords: 'ask' },
	{ emoji: '⚠️', name: 'warning', keywords: 'caution' },
	{ emoji: '❌', name: 'cross mark', keywords: 'no wrong' },
	{ emoji: '➕', name: 'plus', keywords: 'add +1' },
	{ emoji: '🟢', name: 'green circle', keywords: 'go online' },
	{ emoji: '🔴', name: 'red circle', keywords: 'stop' },
	{ emoji: '🌟', name: 'glowing star', keywords: 'great' },
	{ emoji: '🙈', name: 'see no evil', keywords: 'oops shy' },
	{ emoji: '🤖', name: 'robot', keywords: 'bot automation' },
	{ emoji: '🎯', name: 'direct hit', keywords: 'target goal' }
];

/** Shown first under a message: one click reactions. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀', '✅'];

export function searchEmoji(query: string): EmojiEntry[] {
	const needle = query.trim().toLowerCase();
	if (!needle) return EMOJI;
	return EMOJI.filter(
		(entry) =>
			entry.name.includes(needle) ||
			(entry.keywords ?? '').split(' ').some((word) => word.startsWith(needle)) ||
			entry.emoji === needle
	);
}

export function emojiName(emoji: string): string {
	return EMOJI.find((entry) => entry.emoji === emoji)?.name ?? emoji;
}
