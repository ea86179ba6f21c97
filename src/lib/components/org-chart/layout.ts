/**
 * A tidy-tree layout for the org chart, as pure functions with no DOM access.
 *
 * Every node has a fixed box size. A node lays its children out either in a `row` (side by
 * side under it, the parent centred over its first and last child, subtrees never overlapping)
 * or in a `stack` (one under the other, indented, hanging off a vertical spine). The result is
 * absolute coordinates for every box plus orthogonal connector paths between parent and child.
 */

export type Arrange = 'row' | 'stack';

export interface TreeInput<T> {
	id: string;
	width: number;
	height: number;
	/** How this node's children are laid out; `row` unless said otherwise. */
	arrange?: Arrange;
	children?: TreeInput<T>[];
	data: T;
}

export interface LayoutOptions {
	/** Horizontal space between neighbouring subtrees of a row. */
	siblingGap: number;
	/** Vertical space between a parent and a row of children (connectors bend halfway). */
	levelGap: number;
	/** Horizontal indent of stacked children relative to their parent. */
	stackIndent: number;
	/** Vertical space between a parent and its first stacked child, and between stacked siblings. */
	stackGap: number;
	/** Distance from a stacked child's top to where its connector meets it. */
	stackAnchor: number;
	/** Radius of the rounded connector corners. */
	cornerRadius: number;
	/** Empty space around the whole drawing. */
	margin: number;
}

export const defaultLayoutOptions: LayoutOptions = {
	siblingGap: 28,
	levelGap: 56,
	stackIndent: 24,
	stackGap: 16,
	stackAnchor: 26,
	cornerRadius: 8,
	margin: 24
};

export interface Point {
	x: number;
	y: number;
}

export interface PlacedNode<T> {
	id: string;
	x: number;
	y: number;
	width: number;
	height: number;
	depth: number;
	parentId: string | null;
	data: T;
}

export interface Connector {
	id: string;
	from: string;
	to: string;
	points: Point[];
	/** SVG path data with rounded corners. */
	d: string;
}

export interface TreeLayout<T> {
	nodes: PlacedNode<T>[];
	connectors: Connector[];
	width: number;
	height: number;
}

/** A laid-out subtree in its own coordinates: top-left of its bounding box is (0, 0). */
interface Subtree<T> {
	nodes: PlacedNode<T>[];
	width: number;
	height: number;
	/** Left edge of the subtree's root box. */
	rootX: number;
	rootWidth: number;
}

function shift<T>(nodes: PlacedNode<T>[], dx: number, dy: number): PlacedNode<T>[] {
	return nodes.map((node) => ({ ...node, x: node.x + dx, y: node.y + dy }));
}

function build<T>(
	input: TreeInput<T>,
	depth: number,
	parentId: string | null,
	options: LayoutOptions
): Subtree<T> {
	const self: PlacedNode<T> = {
		id: input.id,
		x: 0,
		y: 0,
		width: input.width,
		height: input.height,
		depth,
		parentId,
		data: input.data
	};
	const children = input.children ?? [];
	if (children.length === 0) {
		return {
			nodes: [self],
			width: input.width,
			height: input.height,
			rootX: 0,
			rootWidth: input.width
		};
	}
	const subtrees = children.map((child) => build(child, depth + 1, input.id, options));

	if ((input.arrange ?? 'row') === 'row') {
		// Children side by side, each subtree in its own column.
		const offsets: number[] = [];
		let cursor = 0;
		for (const subtree of subtrees) {
			offsets.push(cursor);
			cursor += subtree.width + options.siblingGap;
		}
		const childrenWidth = cursor - options.siblingGap;
		const centre = (index: number) => {
			const subtree = subtrees[index]!;
			return offsets[index]! + subtree.rootX + subtree.rootWidth / 2;
		};
		// The parent sits centred over its first and last child (not over the whole block).
		const parentCentre = (centre(0) + centre(subtrees.length - 1)) / 2;
		let parentX = parentCentre - input.width / 2;
		const pushRight = parentX < 0 ? -parentX : 0;
		parentX += pushRight;
		const childTop = input.height + options.levelGap;
		const nodes: PlacedNode<T>[] = [{ ...self, x: parentX }];
		subtrees.forEach((subtree, index) => {
			nodes.push(...shift(subtree.nodes, offsets[index]! + pushRight, childTop));
		});
		return {
			nodes,
			width: Math.max(childrenWidth + pushRight, parentX + input.width),
			height: childTop + Math.max(...subtrees.map((subtree) => subtree.height)),
			rootX: parentX,
			rootWidth: input.width
		};
	}

	// Stack: children one under the other, their root boxes indented from the parent's left edge.
	const placements: { dx: number; dy: number }[] = [];
	let top = input.height + options.stackGap;
	for (const subtree of subtrees) {
		placements.push({ dx: options.stackIndent - subtree.rootX, dy: top });
		top += subtree.height + options.stackGap;
	}
	const minLeft = Math.min(0, ...placements.map((placement) => placement.dx));
	const nodes: PlacedNode<T>[] = [{ ...self, x: -minLeft }];
	let right = input.width - minLeft;
	subtrees.forEach((subtree, index) => {
		const { dx, dy } = placements[index]!;
		nodes.push(...shift(subtree.nodes, dx - minLeft, dy));
		right = Math.max(right, dx - minLeft + subtree.width);
	});
	return {
		nodes,
		width: right,
		height: top - options.stackGap,
		rootX: -minLeft,
		rootWidth: input.width
	};
}

/** Drops repeated points and points in the middle of a straight run. */
function simplify(points: Point[]): Point[] {
	const unique = points.filter(
		(point, index) =>
			index === 0 || point.x !== points[index - 1]!.x || point.y !== points[index - 1]!.y
	);
	return unique.filter((point, index) => {
		if (index === 0 || index === unique.length - 1) return true;
		const before = unique[index - 1]!;
		const after = unique[index + 1]!;
		const straight =
			(before.x === point.x && point.x === after.x) ||
			(before.y === point.y && point.y === after.y);
		return !straight;
	});
}

const round = (value: number) => Math.round(value * 100) / 100;

/** SVG path through orthogonal points, each corner rounded by up to `radius`. */
export function roundedPath(points: Point[], radius: number): string {
	if (points.length === 0) return '';
	const first = points[0]!;
	const parts = [`M${round(first.x)} ${round(first.y)}`];
	for (let index = 1; index < points.length; index++) {
		const point = points[index]!;
		const next = points[index + 1];
		if (!next) {
			parts.push(`L${round(point.x)} ${round(point.y)}`);
			break;
		}
		const previous = points[index - 1]!;
		const inLength = Math.hypot(point.x - previous.x, point.y - previous.y);
		const outLength = Math.hypot(next.x - point.x, next.y - point.y);
		const r = Math.min(radius, inLength / 2, outLength / 2);
		const enter = {
			x: point.x - (Math.sign(point.x - previous.x) * r || 0),
			y: point.y - (Math.sign(point.y - previous.y) * r || 0)
		};
		const leave = {
			x: point.x + (Math.sign(next.x - point.x) * r || 0),
			y: point.y + (Math.sign(next.y - point.y) * r || 0)
		};
		parts.push(`L${round(enter.x)} ${round(enter.y)}`);
		parts.push(`Q${round(point.x)} ${round(point.y)} ${round(leave.x)} ${round(leave.y)}`);
	}
	return parts.join(' ');
}

function connectorsFor<T>(
	input: TreeInput<T>,
	byId: Map<string, PlacedNode<T>>,
	options: LayoutOptions,
	out: Connector[]
) {
	const parent = byId.get(input.id)!;
	const arrange = input.arrange ?? 'row';
	for (const child of input.children ?? []) {
		const placed = byId.get(child.id)!;
		const bottom = parent.y + parent.height;
		let points: Point[];
		if (arrange === 'row') {
			const from = { x: parent.x + parent.width / 2, y: bottom };
			const to = { x: placed.x + placed.width / 2, y: placed.y };
			const bend = bottom + (placed.y - bottom) / 2;
			points = [from, { x: from.x, y: bend }, { x: to.x, y: bend }, to];
		} else {
			const spine = parent.x + Math.min(options.stackIndent / 2, parent.width / 2);
			const anchor = placed.y + Math.min(options.stackAnchor, placed.height / 2);
			points = [
				{ x: spine, y: bottom },
				{ x: spine, y: anchor },
				{ x: placed.x, y: anchor }
			];
		}
		const simple = simplify(points);
		out.push({
			id: `${input.id}->${child.id}`,
			from: input.id,
			to: child.id,
			points: simple,
			d: roundedPath(simple, options.cornerRadius)
		});
		connectorsFor(child, byId, options, out);
	}
}

/** Lays out a whole tree: boxes in absolute coordinates (margin included) and connectors. */
export function layoutTree<T>(
	root: TreeInput<T>,
	overrides: Partial<LayoutOptions> = {}
): TreeLayout<T> {
	const options = { ...defaultLayoutOptions, ...overrides };
	const subtree = build(root, 0, null, options);
	const nodes = shift(subtree.nodes, options.margin, options.margin);
	const byId = new Map(nodes.map((node) => [node.id, node]));
	const connectors: Connector[] = [];
	connectorsFor(root, byId, options, connectors);
	return {
		nodes,
		connectors,
		width: subtree.width + options.margin * 2,
		height: subtree.height + options.margin * 2
	};
}
