/**
 * How files are described to people: sizes as Slack and Finder write them (base 1024, one
 * decimal under 10), and which icon a document gets by its type.
 */
export function humanSize(bytes: number): string {
	if (!Number.isFinite(bytes) || bytes < 0) return '';
	if (bytes < 1024) return `${bytes} B`;
	const units = ['KB', 'MB', 'GB', 'TB'];
	let value = bytes / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit += 1;
	}
	// 9.95 rounds to "10.0": decide the decimals from the rounded value.
	const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
	const text = rounded < 10 ? rounded.toFixed(1).replace(/\.0$/, '') : String(rounded);
	return `${text} ${units[unit]}`;
}

export type DocumentFamily =
	'pdf' | 'word' | 'sheet' | 'slides' | 'archive' | 'audio' | 'image' | 'text' | 'other';

/** The family of a file for its icon: from the type the server decided from its content. */
export function documentFamily(mimeType: string): DocumentFamily {
	const type = mimeType.toLowerCase();
	if (type === 'application/pdf') return 'pdf';
	if (type.includes('wordprocessingml') || type === 'application/msword') return 'word';
	if (type.includes('spreadsheetml') || type === 'application/vnd.ms-excel' || type === 'text/csv')
		return 'sheet';
	if (type.includes('presentationml') || type === 'application/vnd.ms-powerpoint') return 'slides';
	if (type === 'application/zip' || type.includes('compressed')) return 'archive';
	if (type.startsWith('audio/')) return 'audio';
	if (type.startsWith('image/')) return 'image';
	if (type.startsWith('text/')) return 'text';
	return 'other';
}

/** A short label for the family, shown beside the size ("PDF · 1.2 MB"). */
export function familyLabel(name: string, mimeType: string): string {
	const family = documentFamily(mimeType);
	const labels: Partial<Record<DocumentFamily, string>> = {
		pdf: 'PDF',
		word: 'Word document',
		sheet: 'Spreadsheet',
		slides: 'Presentation',
		archive: 'ZIP archive',
		audio: 'Audio',
		text: 'Text'
	};
	const label = labels[family];
	if (label) return label;
	const dot = name.lastIndexOf('.');
	return dot > 0 ? name.slice(dot + 1).toUpperCase() : 'File';
}
