import { call } from '$lib/client/api.ts';
import * as searchApi from '$lib/shared/api/search.ts';
import type { ChatStore } from '$lib/client/collab/chat-store.svelte.ts';
import { isEmptyQuery, parseSearchQuery } from '$lib/shared/search/query.ts';
import {
	fromLocal,
	mergeResults,
	readableChannels,
	resolveAuthors,
	resolveChannels,
	type SearchItem
} from './results.ts';

/**
 * One search box's state: the local index answers at once (online or not), the server then
 * completes the results online with the history this browser does not hold. Offline (or when
 * the server cannot be reached) the local results stand, with a note.
 */

export type ServerState = 'idle' | 'waiting' | 'loading' | 'done' | 'offline' | 'failed';

const LOCAL_LIMIT = 50;
const SERVER_LIMIT = 30;
/** The server is asked once the person pauses typing. */
const SERVER_DELAY_MS = 250;

export class SearchSession {
	items = $state.raw<SearchItem[]>([]);
	problems = $state.raw<string[]>([]);
	/** The words to highlight in results. */
	query = $state.raw(parseSearchQuery(''));
	server = $state<ServerState>('idle');
	/** The local index answered for the current text. */
	answered = $state(false);
	/** More local messages matched than are shown. */
	more = $state(false);

	private readonly workspace: ChatStore;
	private run = 0;

	constructor(workspace: ChatStore) {
		this.workspace = workspace;
	}

	get empty(): boolean {
		return isEmptyQuery(this.query);
	}

	async search(text: string): Promise<void> {
		const run = ++this.run;
		const query = parseSearchQuery(text);
		this.query = query;
		this.problems = query.problems;
		if (isEmptyQuery(query)) {
			this.items = [];
			this.more = false;
			this.answered = false;
			this.server = 'idle';
			return;
		}
		const workspace = this.workspace;
		const channels = workspace.searchChannels;
		const local = await workspace.search?.search({
			q: text,
			meId: workspace.user.id,
			authorIds: resolveAuthors(query, workspace.people.values()),
			channelIds: resolveChannels(query, channels),
			readable: readableChannels(channels),
			limit: LOCAL_LIMIT
		});
		if (run !== this.run) return;
		const localItems = (local?.hits ?? []).map(fromLocal);
		this.items = localItems;
		this.more = local?.more ?? false;
		this.answered = true;
		if (workspace.status === 'offline') {
			this.server = 'offline';
			return;
		}
		this.server = 'waiting';
		await new Promise((resolve) => setTimeout(resolve, SERVER_DELAY_MS));
		if (run !== this.run) return;
		this.server = 'loading';
		try {
			const result = await call(searchApi.search, { query: { q: text, limit: SERVER_LIMIT } });
			if (run !== this.run) return;
			this.items = mergeResults(localItems, result.hits, query.terms);
			this.server = 'done';
		} catch (error) {
			if (run !== this.run) return;
			const network = error instanceof Error && 'code' in error && error.code === 'NETWORK';
			this.server = network || workspace.status !== 'online' ? 'offline' : 'failed';
		}
	}

	clear(): void {
		void this.search('');
	}
}
