/**
 * Stroke icons (24×24, after Lucide, ISC licence) as element descriptions, so that they render
 * without {@html}. Add new ones here; `Icon` draws them.
 */
export type IconShape = [
	tag: 'path' | 'circle' | 'rect' | 'line' | 'polyline',
	attrs: Record<string, string>
];

const p = (d: string): IconShape => ['path', { d }];
const circle = (cx: number, cy: number, r: number): IconShape => [
	'circle',
	{ cx: String(cx), cy: String(cy), r: String(r) }
];
const rect = (x: number, y: number, width: number, height: number, rx = 2): IconShape => [
	'rect',
	{ x: String(x), y: String(y), width: String(width), height: String(height), rx: String(rx) }
];

export const icons = {
	home: [p('m3 9 9-7 9 7v11a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z'), p('M9 22V12h6v10')],
	users: [
		p('M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2'),
		circle(9, 7, 4),
		p('M22 21v-2a4 4 0 0 0-3-3.87'),
		p('M16 3.13a4 4 0 0 1 0 7.75')
	],
	network: [
		rect(16, 16, 6, 6, 1),
		rect(2, 16, 6, 6, 1),
		rect(9, 2, 6, 6, 1),
		p('M5 16v-3a1 1 0 0 1 1-1h12a1 1 0 0 1 1 1v3'),
		p('M12 12V8')
	],
	shield: [p('M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z')],
	monitor: [rect(2, 3, 20, 14), p('M8 21h8'), p('M12 17v4')],
	smartphone: [rect(5, 2, 14, 20), p('M12 18h.01')],
	logOut: [p('M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4'), p('m16 17 5-5-5-5'), p('M21 12H9')],
	sun: [
		circle(12, 12, 4),
		p('M12 2v2'),
		p('M12 20v2'),
		p('m4.93 4.93 1.41 1.41'),
		p('m17.66 17.66 1.41 1.41'),
		p('M2 12h2'),
		p('M20 12h2'),
		p('m6.34 17.66-1.41 1.41'),
		p('m19.07 4.93-1.41 1.41')
	],
	moon: [p('M12 3a6 6 0 0 0 9 9 9 9 0 1 1-9-9Z')],
	laptop: [
		p(
			'M20 16V7a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v9m16 0H4m16 0 1.28 2.55a1 1 0 0 1-.9 1.45H3.62a1 1 0 0 1-.9-1.45L4 16'
		)
	],
	chevronsUpDown: [p('m7 15 5 5 5-5'), p('m7 9 5-5 5 5')],
	chevronLeft: [p('m15 18-6-6 6-6')],
	chevronRight: [p('m9 18 6-6-6-6')],
	chevronDown: [p('m6 9 6 6 6-6')],
	search: [circle(11, 11, 8), p('m21 21-4.3-4.3')],
	menu: [p('M4 6h16'), p('M4 12h16'), p('M4 18h16')],
	x: [p('M18 6 6 18'), p('m6 6 12 12')],
	mail: [rect(2, 4, 20, 16), p('m22 7-8.97 5.7a1.94 1.94 0 0 1-2.06 0L2 7')],
	message: [p('M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z')],
	messages: [
		p('M14 9a2 2 0 0 1-2 2H6l-4 4V4a2 2 0 0 1 2-2h8a2 2 0 0 1 2 2z'),
		p('M18 9h2a2 2 0 0 1 2 2v11l-4-4h-6a2 2 0 0 1-2-2v-1')
	],
	key: [circle(7.5, 15.5, 5.5), p('m21 2-9.6 9.6'), p('m15.5 7.5 3 3L22 7l-3-3')],
	arrowRight: [p('M5 12h14'), p('m12 5 7 7-7 7')],
	book: [
		p('M2 3h6a4 4 0 0 1 4 4v14a3 3 0 0 0-3-3H2z'),
		p('M22 3h-6a4 4 0 0 0-4 4v14a3 3 0 0 1 3-3h7z')
	],
	check: [p('M20 6 9 17l-5-5')],
	lock: [rect(3, 11, 18, 11), p('M7 11V7a5 5 0 0 1 10 0v4')],
	externalLink: [
		p('M15 3h6v6'),
		p('M10 14 21 3'),
		p('M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6')
	],
	building: [
		rect(4, 2, 16, 20),
		p('M9 22v-4h6v4'),
		p('M8 6h.01'),
		p('M16 6h.01'),
		p('M12 6h.01'),
		p('M12 10h.01'),
		p('M12 14h.01'),
		p('M16 10h.01'),
		p('M16 14h.01'),
		p('M8 10h.01'),
		p('M8 14h.01')
	],
	userPlus: [
		p('M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2'),
		circle(9, 7, 4),
		p('M19 8v6'),
		p('M22 11h-6')
	],
	eye: [p('M2 12s3-7 10-7 10 7 10 7-3 7-10 7-10-7-10-7Z'), circle(12, 12, 3)],
	eyeOff: [
		p('M9.88 9.88a3 3 0 1 0 4.24 4.24'),
		p('M10.73 5.08A10.43 10.43 0 0 1 12 5c7 0 10 7 10 7a13.16 13.16 0 0 1-1.67 2.68'),
		p('M6.61 6.61A13.526 13.526 0 0 0 2 12s3 7 10 7a9.74 9.74 0 0 0 5.39-1.61'),
		p('m2 2 20 20')
	],
	clock: [circle(12, 12, 10), p('M12 6v6l4 2')],
	globe: [circle(12, 12, 10), p('M12 2a14.5 14.5 0 0 0 0 20 14.5 14.5 0 0 0 0-20'), p('M2 12h20')],
	wifiOff: [
		p('M12 20h.01'),
		p('M8.5 16.429a5 5 0 0 1 7 0'),
		p('M5 12.859a10 10 0 0 1 5.17-2.69'),
		p('M19 12.859a10 10 0 0 0-2.007-1.523'),
		p('M2 8.82a15 15 0 0 1 4.177-2.643'),
		p('M22 8.82a15 15 0 0 0-11.288-3.764'),
		p('m2 2 20 20')
	],
	hash: [p('M4 9h16'), p('M4 15h16'), p('M10 3 8 21'), p('M16 3l-2 18')],
	sparkles: [
		p(
			'm12 3-1.9 5.8a2 2 0 0 1-1.3 1.3L3 12l5.8 1.9a2 2 0 0 1 1.3 1.3L12 21l1.9-5.8a2 2 0 0 1 1.3-1.3L21 12l-5.8-1.9a2 2 0 0 1-1.3-1.3Z'
		)
	],
	alert: [circle(12, 12, 10), p('M12 8v4'), p('M12 16h.01')],
	info: [circle(12, 12, 10), p('M12 16v-4'), p('M12 8h.01')],
	copy: [rect(8, 8, 14, 14), p('M4 16c-1.1 0-2-.9-2-2V4c0-1.1.9-2 2-2h10c1.1 0 2 .9 2 2')],
	braces: [
		p('M8 3H7a2 2 0 0 0-2 2v5a2 2 0 0 1-2 2 2 2 0 0 1 2 2v5c0 1.1.9 2 2 2h1'),
		p('M16 21h1a2 2 0 0 0 2-2v-5c0-1.1.9-2 2-2a2 2 0 0 1-2-2V5a2 2 0 0 0-2-2h-1')
	],
	// Chat
	smilePlus: [
		p('M22 11v1a10 10 0 1 1-9-10'),
		p('M8 14s1.5 2 4 2 4-2 4-2'),
		p('M9 9h.01'),
		p('M15 9h.01'),
		p('M16 5h6'),
		p('M19 2v6')
	],
	reply: [p('m9 17-5-5 5-5'), p('M20 18v-2a4 4 0 0 0-4-4H4')],
	pencil: [p('M17 3a2.85 2.83 0 1 1 4 4L7.5 20.5 2 22l1.5-5.5Z'), p('m15 5 4 4')],
	trash: [
		p('M3 6h18'),
		p('M19 6v14c0 1-1 2-2 2H7c-1 0-2-1-2-2V6'),
		p('M8 6V4c0-1 1-2 2-2h4c1 0 2 1 2 2v2')
	],
	plus: [p('M5 12h14'), p('M12 5v14')],
	settings: [
		p(
			'M12.22 2h-.44a2 2 0 0 0-2 2v.18a2 2 0 0 1-1 1.73l-.43.25a2 2 0 0 1-2 0l-.15-.08a2 2 0 0 0-2.73.73l-.22.38a2 2 0 0 0 .73 2.73l.15.1a2 2 0 0 1 1 1.72v.51a2 2 0 0 1-1 1.74l-.15.09a2 2 0 0 0-.73 2.73l.22.38a2 2 0 0 0 2.73.73l.15-.08a2 2 0 0 1 2 0l.43.25a2 2 0 0 1 1 1.73V20a2 2 0 0 0 2 2h.44a2 2 0 0 0 2-2v-.18a2 2 0 0 1 1-1.73l.43-.25a2 2 0 0 1 2 0l.15.08a2 2 0 0 0 2.73-.73l.22-.39a2 2 0 0 0-.73-2.73l-.15-.08a2 2 0 0 1-1-1.74v-.5a2 2 0 0 1 1-1.74l.15-.09a2 2 0 0 0 .73-2.73l-.22-.38a2 2 0 0 0-2.73-.73l-.15.08a2 2 0 0 1-2 0l-.43-.25a2 2 0 0 1-1-1.73V4a2 2 0 0 0-2-2z'
		),
		circle(12, 12, 3)
	],
	send: [p('m22 2-7 20-4-9-9-4Z'), p('M22 2 11 13')],
	arrowLeft: [p('m12 19-7-7 7-7'), p('M19 12H5')],
	megaphone: [p('m3 11 18-5v12L3 14v-3z'), p('M11.6 16.8a3 3 0 1 1-5.8-1.6')],
	folder: [
		p(
			'M20 20a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2h-7.9a2 2 0 0 1-1.69-.9L9.6 3.9A2 2 0 0 0 7.93 3H4a2 2 0 0 0-2 2v13a2 2 0 0 0 2 2Z'
		)
	],
	at: [circle(12, 12, 4), p('M16 8v5a3 3 0 0 0 6 0v-1a10 10 0 1 0-4 8')],
	moreHorizontal: [circle(12, 12, 1), circle(19, 12, 1), circle(5, 12, 1)],
	arrowDown: [p('M12 5v14'), p('m19 12-7 7-7-7')],
	userMinus: [p('M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2'), circle(9, 7, 4), p('M22 11h-6')],
	cornerDownRight: [p('m15 10 5 5-5 5'), p('M4 4v7a4 4 0 0 0 4 4h12')],
	// Administration and org chart
	archive: [p('M3 4h18v4H3z M5 8v11a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8 M10 12h4')],
	restore: [p('M3 12a9 9 0 1 0 3-6.7L3 8 M3 3v5h5')],
	refresh: [
		p('M21 12a9 9 0 0 1-15.5 6.2L3 16 M3 12a9 9 0 0 1 15.5-6.2L21 8 M21 3v5h-5 M3 21v-5h5')
	],
	team: [
		p(
			'M12 12a3 3 0 1 0 0-6 3 3 0 0 0 0 6 M6 20v-1a6 6 0 0 1 12 0v1 M5 10a2 2 0 1 0 0-4 M19 10a2 2 0 1 0 0-4'
		)
	],
	move: [p('M5 9l-3 3 3 3 M9 5l3-3 3 3 M15 19l-3 3-3-3 M19 9l3 3-3 3 M2 12h20 M12 2v20')],
	power: [p('M12 2v10 M18.4 6.6a9 9 0 1 1-12.8 0')],
	userCheck: [
		p('M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2 M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8 M16 11l2 2 4-4')
	],
	chart: [p('M9 3h6v5H9z M3 16h6v5H3z M15 16h6v5h-6z M12 8v4 M6 16v-2h12v2')],
	link: [
		p(
			'M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7 M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7'
		)
	],
	zoomIn: [p('M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16 M21 21l-4.3-4.3 M11 8v6 M8 11h6')],
	zoomOut: [p('M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16 M21 21l-4.3-4.3 M8 11h6')],
	fit: [
		p(
			'M3 8V5a2 2 0 0 1 2-2h3 M16 3h3a2 2 0 0 1 2 2v3 M21 16v3a2 2 0 0 1-2 2h-3 M8 21H5a2 2 0 0 1-2-2v-3'
		)
	],
	tree: [p('M9 3h6v5H9z M3 16h6v5H3z M15 16h6v5h-6z M12 8v4 M6 16v-2h12v2')],
	outline: [p('M21 12h-8 M21 6H8 M21 18h-8 M3 6v4a2 2 0 0 0 2 2h3 M3 10v6a2 2 0 0 0 2 2h3')]
} satisfies Record<string, IconShape[]>;

export type IconName = keyof typeof icons;
