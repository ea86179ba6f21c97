import {
	PRESENCE_REPORT_EVERY_MS,
	type PresenceReport
} from '../../src/lib/shared/chat/presence.ts';

/**
 * A tab's presence report, as the app repeats it (src/lib/client/collab/presence.svelte.ts):
 * every 15 s, which also keeps an idle socket open. Real tabs report at unrelated moments, so
 * the first comes at a random point of the period. Sent only while `canSend()`; answers a stop.
 */
export function repeatPresenceReport(
	send: (text: string) => void,
	canSend: () => boolean
): () => void {
	const online: PresenceReport = { status: 'online' };
	const report = () => {
		if (canSend()) send(JSON.stringify(online));
	};
	let timer: ReturnType<typeof setTimeout> = setTimeout(() => {
		report();
		timer = setInterval(report, PRESENCE_REPORT_EVERY_MS);
	}, Math.random() * PRESENCE_REPORT_EVERY_MS);
	// Either the first delay or the interval: Node clears both alike.
	return () => clearInterval(timer);
}
