/**
 * Deleted ranges of one client, sorted and merged. A crafted update can repeat a range thousands
 * of times; merged, each struct of the server's copy is visited at most once.
 */
export interface Range {
	clock: number;
	len: number;
}

export function normalize(ranges: Range[]): Range[] {
	const sorted = ranges.filter((r) => r.len > 0).sort((a, b) => a.clock - b.clock);
	const merged: Range[] = [];
	for (const range of sorted) {
		const last = merged[merged.length - 1];
		if (last && range.clock <= last.clock + last.len) {
			last.len = Math.max(last.len, range.clock + range.len - last.clock);
		} else merged.push({ ...range });
	}
	return merged;
}

/** Whether [clock, clock + len) lies wholly inside one of the normalized `ranges`. */
export function covers(ranges: Range[], clock: number, len = 1): boolean {
	let low = 0;
	let high = ranges.length - 1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		const range = ranges[middle] as Range;
		if (clock < range.clock) high = middle - 1;
		else if (clock >= range.clock + range.len) low = middle + 1;
		else return clock + len <= range.clock + range.len;
	}
	return false;
}
