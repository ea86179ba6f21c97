/**
 * Turns the org chart data into boxes with sizes and the positions of every person inside them,
 * then lays them out. Pure, so the drawing is fully determined here and tested without a DOM.
 */
import type { OrgChart, Person } from '$lib/shared/api/org.schema.ts';
import { layoutTree, type LayoutOptions, type TreeInput, type TreeLayout } from './layout.ts';

export type ChartMode = 'tree' | 'outline';
export type BoxKind = 'organization' | 'department' | 'team' | 'unassigned';

/** A person drawn as a row: avatar, name and a second line. `y` is the row's top. */
export interface PersonRow {
	person: Person;
	y: number;
	name: string;
	detail: string;
}

/** A person drawn as an initials circle; (x, y) is its centre. */
export interface AvatarDot {
	person: Person;
	x: number;
	y: number;
}

export interface ChartBox {
	kind: BoxKind;
	id: string;
	/** Full name, for labels; `title` is the same, shortened to fit. */
	name: string;
	title: string;
	subtitle: string;
	rows: PersonRow[];
	/** A muted line where rows would be, e.g. "No head assigned". */
	note: { text: string; y: number } | null;
	avatarLabel: { text: string; y: number } | null;
	avatars: AvatarDot[];
	/** "+N" circle after the avatars when not everyone fits. */
	more: { count: number; x: number; y: number } | null;
	/** "+N more" line after the rows when not every row fits. */
	moreRows: { count: number; y: number } | null;
	personCount: number;
}

export const BOX = {
	padding: 14,
	header: 58,
	row: 42,
	avatar: 28,
	avatarGap: 6,
	avatarLine: 36,
	label: 20,
	note: 30,
	bottom: 12,
	maxRows: 5
} as const;

const widths: Record<ChartMode, Record<BoxKind, number>> = {
	tree: { organization: 300, department: 256, team: 232, unassigned: 256 },
	outline: { organization: 300, department: 276, team: 252, unassigned: 276 }
};

export const layoutOptions: Record<ChartMode, Partial<LayoutOptions>> = {
	tree: { siblingGap: 32, levelGap: 64, stackIndent: 24, stackGap: 16, stackAnchor: 29 },
	outline: {
		siblingGap: 16,
		levelGap: 40,
		stackIndent: 24,
		stackGap: 14,
		stackAnchor: 29,
		margin: 12
	}
};

/** Shortens text with an ellipsis to fit `maxWidth` pixels, estimating glyph widths. */
export function fitText(text: string, maxWidth: number, fontSize: number, bold = false): string {
	const perChar = fontSize * (bold ? 0.6 : 0.55);
	const capacity = Math.max(1, Math.floor(maxWidth / perChar));
	const clean = text.trim();
	if (clean.length <= capacity) return clean;
	return `${clean.slice(0, Math.max(1, capacity - 1)).trimEnd()}…`;
}

export function initials(name: string): string {
	const parts = name.trim().split(/\s+/).filter(Boolean);
	if (parts.length === 0) return '?';
	const first = parts[0]!.charAt(0);
	const last = parts.length > 1 ? parts[parts.length - 1]!.charAt(0) : '';
	return (first + last).toUpperCase();
}

const plural = (count: number, one: string, many = `${one}s`) =>
	`${count} ${count === 1 ? one : many}`;

interface BoxContent {
	kind: BoxKind;
	id: string;
	name: string;
	subtitle: string;
	rows: { person: Person; detail: string }[];
	emptyNote: string | null;
	avatarLabel: string | null;
	avatars: Person[];
	maxAvatarLines: number;
	personCount: number;
}

/** Places rows, note and avatars inside a box of the given width; returns the box and its height. */
export function composeBox(content: BoxContent, width: number): { box: ChartBox; height: number } {
	const inner = width - BOX.padding * 2;
	let y = BOX.header;
	const shown = content.rows.slice(0, BOX.maxRows);
	const rows: PersonRow[] = shown.map((row) => {
		const placed = {
			person: row.person,
			y,
			name: fitText(row.person.name, inner - 40, 13, true),
			detail: fitText(row.detail, inner - 40, 11.5)
		};
		y += BOX.row;
		return placed;
	});
	let moreRows: ChartBox['moreRows'] = null;
	if (content.rows.length > shown.length) {
		moreRows = { count: content.rows.length - shown.length, y };
		y += BOX.label;
	}
	let note: ChartBox['note'] = null;
	if (rows.length === 0 && content.emptyNote) {
		note = { text: content.emptyNote, y };
		y += BOX.note;
	}
	let avatarLabel: ChartBox['avatarLabel'] = null;
	const avatars: AvatarDot[] = [];
	let more: ChartBox['more'] = null;
	if (content.avatars.length > 0) {
		if (content.avatarLabel) {
			avatarLabel = { text: content.avatarLabel, y };
			y += BOX.label;
		}
		const step = BOX.avatar + BOX.avatarGap;
		const perLine = Math.max(1, Math.floor((inner + BOX.avatarGap) / step));
		const capacity = perLine * content.maxAvatarLines;
		const overflow = content.avatars.length > capacity;
		const visible = overflow ? content.avatars.slice(0, capacity - 1) : content.avatars;
		const slot = (index: number) => ({
			x: BOX.padding + BOX.avatar / 2 + (index % perLine) * step,
			y: y + BOX.avatarLine / 2 + Math.floor(index / perLine) * BOX.avatarLine
		});
		visible.forEach((person, index) => avatars.push({ person, ...slot(index) }));
		if (overflow)
			more = { count: content.avatars.length - visible.length, ...slot(visible.length) };
		const used = visible.length + (overflow ? 1 : 0);
		y += Math.ceil(used / perLine) * BOX.avatarLine;
	}
	const height = Math.max(y, BOX.header + BOX.note) + BOX.bottom;
	return {
		height,
		box: {
			kind: content.kind,
			id: content.id,
			name: content.name,
			title: fitText(content.name, inner - (content.kind === 'organization' ? 44 : 0), 14.5, true),
			subtitle: fitText(content.subtitle, inner - (content.kind === 'organization' ? 44 : 0), 12),
			rows,
			note,
			avatarLabel,
			avatars,
			more,
			moreRows,
			personCount: content.personCount
		}
	};
}

const detailOf = (person: Person, fallback: string) => person.title || fallback;

/** The chart's box tree: organization on top, departments (with teams), people not yet placed. */
export function chartTree(chart: OrgChart, mode: ChartMode): TreeInput<ChartBox> {
	const width = widths[mode];
	const node = (content: BoxContent, children: TreeInput<ChartBox>[] = []): TreeInput<ChartBox> => {
		const { box, height } = composeBox(content, width[content.kind]);
		return {
			id: `${content.kind}:${content.id}`,
			width: width[content.kind],
			height,
			arrange: mode === 'tree' && content.kind === 'organization' ? 'row' : 'stack',
			children,
			data: box
		};
	};

	const departments = chart.departments.map((department) => {
		const teams = department.teams.map((team) =>
			node({
				kind: 'team',
				id: team.id,
				name: team.name,
				subtitle: plural(team.managers.length + team.members.length, 'member'),
				rows: team.managers.map((person) => ({ person, detail: detailOf(person, 'Team Manager') })),
				emptyNote: team.members.length === 0 ? 'No members yet' : 'No manager assigned',
				avatarLabel: null,
				avatars: team.members,
				maxAvatarLines: 2,
				personCount: team.managers.length + team.members.length
			})
		);
		const inTeams = department.teams.reduce(
			(sum, team) => sum + team.managers.length + team.members.length,
			0
		);
		const people = department.heads.length + department.members.length + inTeams;
		return node(
			{
				kind: 'department',
				id: department.id,
				name: department.name,
				subtitle: `${plural(department.teams.length, 'team')} · ${plural(people, 'person', 'people')}`,
				rows: department.heads.map((person) => ({
					person,
					detail: detailOf(person, 'Department Head')
				})),
				emptyNote: 'No head assigned',
				avatarLabel: department.members.length > 0 ? 'Not in a team' : null,
				avatars: department.members,
				maxAvatarLines: 1,
				personCount: people
			},
			teams
		);
	});

	const children = [...departments];
	if (chart.unassigned.length > 0) {
		children.push(
			node({
				kind: 'unassigned',
				id: 'unassigned',
				name: 'Not yet placed',
				subtitle: `${plural(chart.unassigned.length, 'person', 'people')} without a department`,
				rows: [],
				emptyNote: null,
				avatarLabel: null,
				avatars: chart.unassigned,
				maxAvatarLines: 3,
				personCount: chart.unassigned.length
			})
		);
	}

	const total =
		chart.superAdmins.length +
		chart.unassigned.length +
		departments.reduce((sum, department) => sum + department.data.personCount, 0);
	return node(
		{
			kind: 'organization',
			id: chart.organization.id,
			name: chart.organization.name,
			subtitle: `${plural(chart.departments.length, 'department')} · ${plural(total, 'person', 'people')}`,
			rows: chart.superAdmins.map((person) => ({
				person,
				detail: detailOf(person, 'Super Admin')
			})),
			emptyNote: null,
			avatarLabel: null,
			avatars: [],
			maxAvatarLines: 0,
			personCount: total
		},
		children
	);
}

export function chartLayout(chart: OrgChart, mode: ChartMode): TreeLayout<ChartBox> {
	return layoutTree(chartTree(chart, mode), layoutOptions[mode]);
}
