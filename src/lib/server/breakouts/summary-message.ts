import { createHash } from 'node:crypto';

/**
 * The id of a breakout room's summary message in its parent channel: a UUID-shaped hash of the
 * room's id, the same in every process, so that posting it again finds it there (in the parent's
 * document and in the message record) and writes nothing twice.
 */
export function summaryMessageId(breakoutId: string): string {
	const hex = createHash('sha256').update(`breakout-summary:${breakoutId}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
