/** Pan and zoom arithmetic for the org chart: pure functions over a view transform. */

export interface View {
	/** Screen position of the drawing's origin. */
	x: number;
	y: number;
	/** Scale: screen pixels per drawing unit. */
	k: number;
}

export interface Size {
	width: number;
	height: number;
}

export const MIN_SCALE = 0.2;
export const MAX_SCALE = 2.5;

export const clampScale = (k: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));

/** Zooms by `factor` keeping the screen point (sx, sy) over the same spot of the drawing. */
export function zoomAt(view: View, factor: number, sx: number, sy: number): View {
	const k = clampScale(view.k * factor);
	const ratio = k / view.k;
	return { k, x: sx - (sx - view.x) * ratio, y: sy - (sy - view.y) * ratio };
}

export function panBy(view: View, dx: number, dy: number): View {
	return { ...view, x: view.x + dx, y: view.y + dy };
}

/**
 * The view that shows the whole drawing, centred, never enlarged past 1. When that would make it
 * too small to read (a tall outline on a phone), it fits the width instead and starts at the top.
 */
export function fitView(content: Size, viewport: Size, padding = 16, minReadable = 0.6): View {
	const availableWidth = Math.max(1, viewport.width - padding * 2);
	const availableHeight = Math.max(1, viewport.height - padding * 2);
	const whole = Math.min(availableWidth / content.width, availableHeight / content.height, 1);
	if (whole >= minReadable) {
		const k = clampScale(whole);
		return {
			k,
			x: (viewport.width - content.width * k) / 2,
			y: (viewport.height - content.height * k) / 2
		};
	}
	const k = clampScale(Math.min(availableWidth / content.width, 1));
	return { k, x: (viewport.width - content.width * k) / 2, y: padding };
}

/** Pans as little as needed so that a drawing rectangle is fully on screen. */
export function revealRect(
	view: View,
	rect: { x: number; y: number; width: number; height: number },
	viewport: Size,
	padding = 24
): View {
	const left = view.x + rect.x * view.k;
	const top = view.y + rect.y * view.k;
	const right = left + rect.width * view.k;
	const bottom = top + rect.height * view.k;
	let dx = 0;
	let dy = 0;
	if (left < padding) dx = padding - left;
	else if (right > viewport.width - padding) {
		dx = Math.max(viewport.width - padding - right, padding - left);
	}
	if (top < padding) dy = padding - top;
	else if (bottom > viewport.height - padding) {
		dy = Math.max(viewport.height - padding - bottom, padding - top);
	}
	return dx === 0 && dy === 0 ? view : panBy(view, dx, dy);
}
