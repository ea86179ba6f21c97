import { describe, expect, it } from 'vitest';
import type { OrgChart, Person } from '$lib/shared/api/org.schema.ts';
import { layoutTree, roundedPath, type PlacedNode, type TreeInput } from './layout.ts';
import { chartLayout, chartTree, composeBox, fitText, initials } from './chart-model.ts';
import { fitView, revealRect, zoomAt, MAX_SCALE, MIN_SCALE } from './viewport.ts';

const options = {
	siblingGap: 20,
	levelGap: 40,
	stackIndent: 24,
	stackGap: 10,
	stackAnchor: 20,
	cornerRadius: 6,
	margin: 0
};

function leaf(id: string, width = 100, height = 50): TreeInput<null> {
	return { id, width, height, data: null };
}

function tree(
	id: string,
	children: TreeInput<null>[],
	arrange: 'row' | 'stack' = 'row',
	width = 100,
	height = 50
): TreeInput<null> {
	return { id, width, height, arrange, children, data: null };
}

const centre = (node: PlacedNode<unknown>) => node.x + node.width / 2;

function byId<T>(nodes: PlacedNode<T>[]) {
	return Object.fromEntries(nodes.map((node) => [node.id, node]));
}

function overlaps(a: PlacedNode<unknown>, b: PlacedNode<unknown>) {
	return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function expectNoOverlap(nodes: PlacedNode<unknown>[]) {
	for (let i = 0; i < nodes.length; i++) {
		for (let j = i + 1; j < nodes.length; j++) {
			expect(overlaps(nodes[i]!, nodes[j]!), `${nodes[i]!.id} overlaps ${nodes[j]!.id}`).toBe(
				false
			);
		}
	}
}

function expectOrthogonal(points: { x: number; y: number }[]) {
	for (let i = 1; i < points.length; i++) {
		const a = points[i - 1]!;
		const b = points[i]!;
		expect(a.x === b.x || a.y === b.y, `segment ${i} is not horizontal or vertical`).toBe(true);
	}
}

describe('layoutTree', () => {
	it('places a single node at the margin and sizes the drawing around it', () => {
		const layout = layoutTree(leaf('a', 120, 60), { ...options, margin: 10 });
		expect(layout.nodes).toEqual([
			{ id: 'a', x: 10, y: 10, width: 120, height: 60, depth: 0, parentId: null, data: null }
		]);
		expect(layout.width).toBe(140);
		expect(layout.height).toBe(80);
		expect(layout.connectors).toEqual([]);
	});

	it('centres a parent over a row of children, one level below', () => {
		const layout = layoutTree(tree('p', [leaf('a'), leaf('b'), leaf('c')]), options);
		const n = byId(layout.nodes);
		expect(n.a!.x).toBe(0);
		expect(n.b!.x).toBe(120);
		expect(n.c!.x).toBe(240);
		expect(centre(n.p!)).toBe(centre(n.b!));
		expect(n.a!.y).toBe(50 + 40);
		expect(n.a!.depth).toBe(1);
		expect(n.a!.parentId).toBe('p');
		expect(layout.width).toBe(340);
		expect(layout.height).toBe(140);
	});

	it('centres the parent over its first and last child, not over the whole block', () => {
		// b has a wide subtree; the parent sits midway between a's and b's centres.
		const wide = tree('b', [leaf('b1'), leaf('b2'), leaf('b3')]);
		const layout = layoutTree(tree('p', [leaf('a'), wide]), options);
		const n = byId(layout.nodes);
		expect(centre(n.p!)).toBeCloseTo((centre(n.a!) + centre(n.b!)) / 2);
		expect(centre(n.b!)).toBe(centre(n.b2!));
		expectNoOverlap(layout.nodes);
	});

	it('keeps a parent wider than its children inside the drawing, children centred under it', () => {
		const layout = layoutTree(tree('p', [leaf('a', 40), leaf('b', 40)], 'row', 300), options);
		const n = byId(layout.nodes);
		expect(n.p!.x).toBe(0);
		expect(centre(n.p!)).toBeCloseTo((centre(n.a!) + centre(n.b!)) / 2);
		expect(n.a!.x).toBeGreaterThanOrEqual(0);
		expect(layout.width).toBe(300);
	});

	it('stacks children under an indented spine', () => {
		const layout = layoutTree(
			tree('p', [leaf('a', 100, 30), leaf('b', 100, 60), leaf('c', 100, 40)], 'stack', 140),
			options
		);
		const n = byId(layout.nodes);
		expect(n.p).toMatchObject({ x: 0, y: 0 });
		expect(n.a).toMatchObject({ x: 24, y: 60 });
		expect(n.b).toMatchObject({ x: 24, y: 100 });
		expect(n.c).toMatchObject({ x: 24, y: 170 });
		expect(layout.height).toBe(210);
		expect(layout.width).toBe(140);
		const toB = layout.connectors.find((connector) => connector.to === 'b')!;
		expect(toB.points).toEqual([
			{ x: 12, y: 50 },
			{ x: 12, y: 120 },
			{ x: 24, y: 120 }
		]);
	});

	it('mixes rows and stacks without overlaps, every connector orthogonal and attached', () => {
		const departments = ['d1', 'd2', 'd3', 'd4'].map((id, index) =>
			tree(
				id,
				Array.from({ length: index + 1 }, (_, t) => leaf(`${id}-t${t}`, 180, 40 + t * 13)),
				'stack',
				200,
				70
			)
		);
		const root = tree('org', departments, 'row', 260, 90);
		const layout = layoutTree(root, { ...options, margin: 16 });
		expect(layout.nodes).toHaveLength(1 + 4 + 10);
		expectNoOverlap(layout.nodes);
		const n = byId(layout.nodes);
		for (const node of layout.nodes) {
			expect(node.x).toBeGreaterThanOrEqual(16);
			expect(node.y).toBeGreaterThanOrEqual(16);
			expect(node.x + node.width).toBeLessThanOrEqual(layout.width - 16);
			expect(node.y + node.height).toBeLessThanOrEqual(layout.height - 16);
		}
		expect(layout.connectors).toHaveLength(14);
		for (const connector of layout.connectors) {
			expectOrthogonal(connector.points);
			const from = n[connector.from]!;
			const to = n[connector.to]!;
			const first = connector.points[0]!;
			const last = connector.points[connector.points.length - 1]!;
			expect(first.y).toBe(from.y + from.height);
			expect(first.x).toBeGreaterThanOrEqual(from.x);
			expect(first.x).toBeLessThanOrEqual(from.x + from.width);
			// A row child is entered from the top centre, a stacked child from the left.
			if (from.id === 'org') expect(last).toEqual({ x: centre(to), y: to.y });
			else expect(last.x).toBe(to.x);
		}
	});

	it('lays out an all-stacked tree as an indented outline', () => {
		const root = tree(
			'org',
			[tree('d1', [leaf('t1'), leaf('t2')], 'stack'), tree('d2', [leaf('t3')], 'stack')],
			'stack'
		);
		const layout = layoutTree(root, options);
		const n = byId(layout.nodes);
		expect(n.d1!.x).toBe(24);
		expect(n.t1!.x).toBe(48);
		expect(n.d2!.y).toBeGreaterThan(n.t2!.y + n.t2!.height);
		expectNoOverlap(layout.nodes);
		expect(layout.width).toBe(148);
	});
});

describe('roundedPath', () => {
	it('draws straight lines without curves and rounds corners', () => {
		expect(
			roundedPath(
				[
					{ x: 0, y: 0 },
					{ x: 0, y: 10 }
				],
				4
			)
		).toBe('M0 0 L0 10');
		expect(
			roundedPath(
				[
					{ x: 0, y: 0 },
					{ x: 0, y: 20 },
					{ x: 30, y: 20 }
				],
				4
			)
		).toBe('M0 0 L0 16 Q0 20 4 20 L30 20');
	});

	it('never rounds more than half a short segment', () => {
		const d = roundedPath(
			[
				{ x: 0, y: 0 },
				{ x: 0, y: 4 },
				{ x: 10, y: 4 }
			],
			8
		);
		expect(d).toBe('M0 0 L0 2 Q0 4 2 4 L10 4');
	});
});

describe('viewport', () => {
	it('zooms around the pointer', () => {
		const view = zoomAt({ x: 0, y: 0, k: 1 }, 2, 100, 50);
		expect(view).toEqual({ k: 2, x: -100, y: -50 });
		// the drawing point under the pointer stays there
		expect((100 - view.x) / view.k).toBe(100);
	});

	it('clamps the scale', () => {
		expect(zoomAt({ x: 0, y: 0, k: 1 }, 100, 0, 0).k).toBe(MAX_SCALE);
		expect(zoomAt({ x: 0, y: 0, k: 1 }, 0.001, 0, 0).k).toBe(MIN_SCALE);
	});

	it('fits the whole drawing centred, never enlarging it', () => {
		expect(fitView({ width: 500, height: 200 }, { width: 1000, height: 600 }, 0)).toEqual({
			k: 1,
			x: 250,
			y: 200
		});
		const small = fitView({ width: 2000, height: 500 }, { width: 1000, height: 600 }, 0);
		expect(small.k).toBe(0.5);
		expect(small.x).toBe(0);
	});

	it('fits the width of a tall outline instead of shrinking it unreadably', () => {
		const view = fitView({ width: 320, height: 3000 }, { width: 390, height: 700 }, 16);
		expect(view.k).toBe(1);
		expect(view.y).toBe(16);
		expect(view.x).toBe(35);
	});

	it('pans a rectangle into view only when needed', () => {
		const view = { x: 0, y: 0, k: 1 };
		const viewport = { width: 400, height: 300 };
		expect(revealRect(view, { x: 50, y: 50, width: 20, height: 20 }, viewport)).toBe(view);
		expect(revealRect(view, { x: 500, y: 50, width: 20, height: 20 }, viewport)).toEqual({
			k: 1,
			x: -144,
			y: 0
		});
	});
});

function person(name: string, role: Person['role'], extra: Partial<Person> = {}): Person {
	return {
		id: `00000000-0000-4000-8000-${String(name.length).padStart(12, '0')}`,
		email: `${name.toLowerCase().replace(/\s+/g, '.')}@example.com`,
		name,
		title: '',
		role,
		status: 'active',
		departmentId: null,
		departmentName: null,
		teamId: null,
		teamName: null,
		...extra
	};
}

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function sampleChart(): OrgChart {
	const members = Array.from({ length: 15 }, (_, i) => person(`Member ${i}`, 'team_member'));
	return {
		organization: { id: uuid(1), name: 'Acme Corporation' },
		superAdmins: [person('Ada Admin', 'super_admin', { title: 'CEO' })],
		departments: [
			{
				id: uuid(2),
				name: 'Engineering',
				archived: false,
				createdAt: '2025-01-01T00:00:00.000Z',
				heads: [person('Hana Head', 'department_head')],
				members: [person('Floating Fred', 'team_member')],
				teams: [
					{
						id: uuid(3),
						departmentId: uuid(2),
						name: 'Platform',
						archived: false,
						createdAt: '2025-01-01T00:00:00.000Z',
						managers: [person('Mia Manager', 'team_manager', { title: 'Eng Manager' })],
						members
					},
					{
						id: uuid(4),
						departmentId: uuid(2),
						name: 'Empty team',
						archived: false,
						createdAt: '2025-01-01T00:00:00.000Z',
						managers: [],
						members: []
					}
				]
			},
			{
				id: uuid(5),
				name: 'Sales',
				archived: false,
				createdAt: '2025-01-01T00:00:00.000Z',
				heads: [],
				members: [],
				teams: []
			}
		],
		unassigned: [person('New Nina', 'team_member')]
	};
}

describe('chart model', () => {
	it('builds organization → departments → teams, plus the people not yet placed', () => {
		const root = chartTree(sampleChart(), 'tree');
		expect(root.data.kind).toBe('organization');
		expect(root.arrange).toBe('row');
		expect(root.children!.map((child) => child.data.name)).toEqual([
			'Engineering',
			'Sales',
			'Not yet placed'
		]);
		const engineering = root.children![0]!;
		expect(engineering.arrange).toBe('stack');
		expect(engineering.data.rows.map((row) => row.person.name)).toEqual(['Hana Head']);
		expect(engineering.data.avatarLabel?.text).toBe('Not in a team');
		expect(engineering.data.subtitle).toBe('2 teams · 18 people');
		expect(root.data.subtitle).toBe('2 departments · 20 people');
		expect(root.children![1]!.data.note?.text).toBe('No head assigned');
		const platform = engineering.children![0]!;
		expect(platform.data.rows[0]!.detail).toBe('Eng Manager');
		expect(platform.data.subtitle).toBe('16 members');
		// two lines of six circles: eleven people and a "+4"
		expect(platform.data.avatars).toHaveLength(11);
		expect(platform.data.more?.count).toBe(4);
		expect(engineering.children![1]!.data.note?.text).toBe('No members yet');
	});

	it('keeps every avatar and row inside its box', () => {
		const layout = chartLayout(sampleChart(), 'tree');
		for (const node of layout.nodes) {
			const box = node.data;
			for (const dot of box.avatars) {
				expect(dot.x + 14).toBeLessThanOrEqual(node.width);
				expect(dot.y + 14).toBeLessThanOrEqual(node.height);
			}
			for (const row of box.rows) expect(row.y + 42).toBeLessThanOrEqual(node.height);
		}
		expectNoOverlap(layout.nodes);
	});

	it('draws a narrow outline for phones', () => {
		const layout = chartLayout(sampleChart(), 'outline');
		expect(layout.width).toBeLessThanOrEqual(340);
		expect(layout.nodes.every((node) => node.data.kind === 'organization' || node.x > 12)).toBe(
			true
		);
		expectNoOverlap(layout.nodes);
	});

	it('lists at most five rows, then says how many more', () => {
		const admins = Array.from({ length: 8 }, (_, i) => person(`Admin ${i}`, 'super_admin'));
		const { box } = composeBox(
			{
				kind: 'organization',
				id: 'x',
				name: 'Org',
				subtitle: '',
				rows: admins.map((p) => ({ person: p, detail: 'Super Admin' })),
				emptyNote: null,
				avatarLabel: null,
				avatars: [],
				maxAvatarLines: 0,
				personCount: 8
			},
			300
		);
		expect(box.rows).toHaveLength(5);
		expect(box.moreRows?.count).toBe(3);
	});

	it('shortens long text and makes initials', () => {
		expect(fitText('Short', 200, 13)).toBe('Short');
		const long = fitText('A very long department name that will never fit', 120, 13);
		expect(long.endsWith('…')).toBe(true);
		expect(long.length).toBeLessThan(20);
		expect(initials('Ada Lovelace')).toBe('AL');
		expect(initials('  plato ')).toBe('P');
		expect(initials('Jean Claude van Damme')).toBe('JD');
		expect(initials('')).toBe('?');
	});
});
