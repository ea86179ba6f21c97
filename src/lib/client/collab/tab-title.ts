/**
 * Keeps a prefix (the unread count, see `attentionPrefix`) in front of the browser tab's title
 * on every page, whichever title the page sets: each page names itself in <svelte:head>, and
 * the prefix is put back whenever that title changes. Returns the way to stop (and take the
 * prefix away).
 */
export function keepTitlePrefix(prefix: string): () => void {
	let applied = '';
	const bare = () =>
		applied && document.title.startsWith(applied)
			? document.title.slice(applied.length)
			: document.title;
	const apply = () => {
		const next = prefix + bare();
		applied = prefix;
		if (document.title !== next) document.title = next;
	};
	apply();
	// Setting the title changes the head once more; `apply` then finds nothing to do.
	const observer = new MutationObserver(apply);
	observer.observe(document.head, { subtree: true, childList: true, characterData: true });
	return () => {
		observer.disconnect();
		document.title = bare();
	};
}
