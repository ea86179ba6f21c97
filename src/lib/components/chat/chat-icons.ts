import type { IconShape } from '../common/icons.ts';

/** Icons of the chat beyond the common set (24×24 strokes, after Lucide, ISC licence). */
const p = (d: string): IconShape => ['path', { d }];
const circle = (cx: number, cy: number, r: number): IconShape => [
	'circle',
	{ cx: String(cx), cy: String(cy), r: String(r) }
];

export const chatIcons = {
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
	cornerDownRight: [p('m15 10 5 5-5 5'), p('M4 4v7a4 4 0 0 0 4 4h12')]
} satisfies Record<string, IconShape[]>;

export type ChatIconName = keyof typeof chatIcons;
