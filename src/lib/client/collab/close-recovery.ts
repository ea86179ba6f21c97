import type { ConversationShards, Shard } from './conversation-shards.svelte.ts';
import { RESYNC_TIMEOUT_MS } from './conversation-shards.svelte.ts';
import type { ConversationTyping } from './typing.svelte.ts';
import type { ConversationView } from './conversation-view.svelte.ts';
import { ownEntries, refusedChanges, resendOwnChanges, type RefusedItem } from './refusal.ts';
import type { SyncedProvider } from './synced-provider.ts';
import {
	closeReason,
	parseCloseReason,
	type CloseReasonCode
} from '$lib/shared/collab/close-reasons.ts';
import { parseEntryKey } from '$lib/shared/chat/document-schema.ts';
import { Wired } from '#shared/wired.ts';

/**
 * What one conversation does when the server closes (or will not open) one of its documents.
 * The close names its reason: "resync" (an update overtook its sync: connect again), "stale"
 * (our copy holds what the server lost: rebuild it and write our own changes again), "refused"
 * (something of ours was refused: drop it and tell the person), "access-revoked"/"forbidden"
 * (delete the local copies), "unauthenticated" (the session ended), "access-changed"
 * (reconnect as what we now are). Anything else is the socket going away, which the provider
 * recovers from by itself.
 */

export type ConversationNotice =
	| { kind: 'refused'; channelId: string; reason: string; items: RefusedItem[] }
	| { kind: 'access-revoked'; channelId: string; reason: string }
	| { kind: 'access-changed'; channelId: string }
	| { kind: 'unauthenticated'; channelId: string; reason: string };

/**
 * "resync" closes in a row after which the copy is rebuilt from the server (as after "stale"):
 * a gap that a fresh sync does not close is in the copy itself, and syncing again cannot help.
 */
const RESYNCS_BEFORE_REBUILD = 4;
/** A resync this long after the previous one starts a new series. */
const RESYNC_SERIES_MS = 60_000;

export class CloseRecovery extends Wired<{
	channelId: string;
	user: { id: string; name: string };
	shards: ConversationShards;
	view: ConversationView;
	typing: ConversationTyping;
	onNotice: (notice: ConversationNotice) => void;
}>() {
	private get destroyed(): boolean {
		return this.shards.destroyed;
	}

	onClosed(shard: Shard, provider: SyncedProvider, reason: string): void {
		if (shard.provider !== provider || this.destroyed) return;
		shard.synced = false;
		// A close from the server names its reason; a socket that went away has none of ours, and
		// the provider resyncs when it comes back.
		const { code } = parseCloseReason(reason);
		const recoveries: Partial<Record<CloseReasonCode, () => void>> = {
			resync: () => this.resync(shard, provider),
			stale: () => void this.rebuildStaleCopy(shard),
			refused: () => void this.resetAfterRefusal(shard, reason),
			'access-revoked': () => void this.revoke(reason),
			unauthenticated: () => this.signedOut(reason),
			'access-changed': () => {
				// Rights changed (e.g. the room ended): reconnect as what we now are.
				provider.destroy();
				shard.provider = null;
				this.attach(shard);
				this.onNotice({ kind: 'access-changed', channelId: this.channelId });
			}
		};
		const recover = code === null ? undefined : recoveries[code];
		if (!recover) return;
		// Each of these is done with the provider's document as it was.
		this.forget(provider);
		recover();
	}

	/**
	 * An update of ours overtook its sync (a reconnect raced a change): nothing is wrong with
	 * it, so nothing is dropped. The document connects again, and the sync handshake carries
	 * what the server lacks. Repeated closes back off (0.5 s, doubling); a series that a fresh
	 * sync does not end means the copy holds something the server can never complete (content
	 * waiting for a part nobody has): it is rebuilt from the server and our own changes are
	 * written again, so no document keeps reconnecting.
	 */
	private resync(shard: Shard, provider: SyncedProvider): void {
		const now = Date.now();
		if (now - shard.lastResyncAt > RESYNC_SERIES_MS) shard.resyncs = 0;
		shard.lastResyncAt = now;
		if (shard.resyncs >= RESYNCS_BEFORE_REBUILD) {
			void this.rebuildStaleCopy(shard);
			return;
		}
		const delay = shard.resyncs === 0 ? 0 : Math.min(30_000, 500 * 2 ** (shard.resyncs - 1));
		shard.resyncs++;
		if (shard.resyncTimer) clearTimeout(shard.resyncTimer);
		shard.resyncTimer = setTimeout(() => {
			shard.resyncTimer = null;
			if (shard.provider === provider && !this.destroyed) provider.reconnectDocument();
		}, delay);
	}

	/**
	 * The server would not open this document. Only our server's own word for lost access
	 * ("forbidden", "access-revoked") costs the local copy; anything else, above all
	 * "unavailable" (its database is out of reach) or a reason we do not know, keeps the copy
	 * and everything unsent in it and tries again later.
	 */
	onDenied(shard: Shard, provider: SyncedProvider, reason: string): void {
		if (shard.provider !== provider || this.destroyed) return;
		this.forget(provider);
		const { code } = parseCloseReason(reason);
		if (code === 'unauthenticated') this.signedOut(reason);
		else if (code === 'forbidden' || code === 'access-revoked') void this.revoke(reason);
		else if (code === 'invalid-document' && shard !== this.shards.head) {
			// An older shard the server does not know: nothing more to load.
			provider.destroy();
			shard.provider = null;
		} else this.openLater(shard, provider);
	}

	/** Opens the document again after a pause (1 s, doubling, at most 30 s, with jitter). */
	private openLater(shard: Shard, provider: SyncedProvider): void {
		provider.destroy();
		shard.provider = null;
		const delay = Math.min(30_000, 1_000 * 2 ** shard.denials) * (0.5 + Math.random() / 2);
		shard.denials++;
		if (shard.resyncTimer) clearTimeout(shard.resyncTimer);
		shard.resyncTimer = setTimeout(() => {
			shard.resyncTimer = null;
			const status = this.shards.status;
			if (this.destroyed || status === 'revoked' || status === 'signed-out') return;
			if (this.shards.get(shard.number) === shard && shard.provider === null) this.attach(shard);
		}, delay);
	}

	/**
	 * The person may no longer post here (the channel list or their live feed just said so) while
	 * a copy holds messages of theirs that the server has not accepted: it never will. They are
	 * handled as the server's refusal of them would be, at once, rather than whenever the update
	 * reaches the server: the rights can arrive first (over HTTP, or on the feed while the
	 * document's own sync is still on its way), and the person would see an unsent message with
	 * no composer and no word of it. What they may still do (react, mark as read) is written
	 * again on the fresh copy instead of being reported.
	 */
	withdrawPosting(mayReact: boolean): void {
		if (this.destroyed) return;
		const reason = closeReason('refused', 'you may no longer post here').reason;
		for (const shard of this.shards.values()) {
			const unsent = shard.listed.some(
				(m) => m.authorId === this.user.id && m.acceptedAt === null && !m.deleted
			);
			if (unsent) void this.resetAfterRefusal(shard, reason, mayReact);
		}
	}

	/**
	 * The server refused something of ours in this document. Nothing of it may be kept or sent
	 * again: the document and its local copy are dropped and fetched anew from the server, and
	 * the person is told what did not land (with the text, to copy). With `keepReactions` (the
	 * refusal came from lost posting rights, not from the server's word on one update), the
	 * person's reactions and read mark are written again rather than reported.
	 */
	private async resetAfterRefusal(
		shard: Shard,
		reason: string,
		keepReactions = false
	): Promise<void> {
		if (shard.resetting) return;
		const before = ownEntries(shard.doc, this.user.id);
		const pending = shard.listed.filter(
			(m) => m.authorId === this.user.id && m.acceptedAt === null && !m.deleted
		);
		// The person's other tabs hold the same refused changes: they drop them too.
		shard.relay?.announceReset();
		const fresh = await this.shards.replace(shard, 'clear');
		if (!fresh) return;
		const synced = await this.shards.whenSynced(fresh, RESYNC_TIMEOUT_MS);
		let items = synced
			? refusedChanges(before, ownEntries(fresh.doc, this.user.id))
			: pending.map((m): RefusedItem => ({ kind: 'message', messageId: m.id, text: m.text }));
		if (keepReactions) {
			items = items.filter((item) => item.kind !== 'reaction');
			const allowed = new Map(
				[...before].filter(([key]) => parseEntryKey(key)?.kind !== 'message')
			);
			this.onNotice({ kind: 'refused', channelId: this.channelId, reason, items });
			await this.writeAgainOnceSynced(fresh, allowed);
			return;
		}
		this.onNotice({ kind: 'refused', channelId: this.channelId, reason, items });
	}

	/** Writes the person's own `entries` again on a fresh copy once it has synced, however late. */
	private async writeAgainOnceSynced(
		fresh: Shard,
		entries: ReadonlyMap<string, unknown>
	): Promise<void> {
		fresh.carried = new Map(entries);
		while (!(await this.shards.whenSynced(fresh, RESYNC_TIMEOUT_MS))) {
			if (this.destroyed || this.shards.get(fresh.number) !== fresh) return;
			await new Promise((resolve) => setTimeout(resolve, 1_000));
		}
		if (this.shards.get(fresh.number) !== fresh) return;
		resendOwnChanges(fresh.doc, this.user.id, entries);
		fresh.carried = new Map();
	}

	/**
	 * Our copy holds other people's changes that the server does not have: it relayed them and
	 * crashed before logging them. Nothing of ours was refused, only held up with them. The copy
	 * is rebuilt from the server and our own changes that it lacks are written again; the others'
	 * come back when their authors, who never saw them as sent, send them again. (Our unsent
	 * changes live only in this tab's memory between the rebuild and the resend: a fraction of a
	 * second with the server in reach, which is when a stale close comes.)
	 */
	private async rebuildStaleCopy(shard: Shard): Promise<void> {
		if (shard.resetting) return;
		// A copy rebuilt again before it wrote our changes back still owes them: carried along.
		const before = new Map([...shard.carried, ...ownEntries(shard.doc, this.user.id)]);
		shard.relay?.announceReset();
		const fresh = await this.shards.replace(shard, 'clear');
		if (!fresh) return;
		await this.writeAgainOnceSynced(fresh, before);
	}

	/** Access is gone: the local copies are deleted and nothing more is shown. */
	private async revoke(reason: string): Promise<void> {
		if (this.shards.status === 'revoked') return;
		this.shards.status = 'revoked';
		this.view.clear();
		this.typing.clear();
		await this.shards.closeAll('clear');
		this.onNotice({ kind: 'access-revoked', channelId: this.channelId, reason });
	}

	private signedOut(reason: string): void {
		if (this.shards.status === 'signed-out') return;
		this.shards.status = 'signed-out';
		for (const shard of this.shards.values()) this.shards.detach(shard);
		this.onNotice({ kind: 'unauthenticated', channelId: this.channelId, reason });
	}

	private forget(provider: SyncedProvider): void {
		this.shards.forget(provider);
	}

	private attach(shard: Shard): void {
		this.shards.attach(shard);
	}
}
