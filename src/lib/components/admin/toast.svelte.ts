/** A tiny toast queue for the admin pages: success and error messages that fade on their own. */
export type ToastKind = 'success' | 'error' | 'info';

export interface ToastItem {
	id: number;
	kind: ToastKind;
	message: string;
}

/** More than this many at once cover the page: the oldest goes. */
const MAX_VISIBLE = 2;

class Toasts {
	items = $state<ToastItem[]>([]);
	#next = 1;

	show(message: string, kind: ToastKind = 'success', timeout = kind === 'error' ? 7000 : 4000) {
		const id = this.#next++;
		// The same message again replaces the one showing rather than stacking a copy of it.
		const others = this.items.filter((item) => item.kind !== kind || item.message !== message);
		this.items = [...others.slice(-(MAX_VISIBLE - 1)), { id, kind, message }];
		if (timeout > 0) setTimeout(() => this.dismiss(id), timeout);
		return id;
	}

	success(message: string) {
		return this.show(message, 'success');
	}

	error(message: string) {
		return this.show(message, 'error');
	}

	get errors(): ToastItem[] {
		return this.items.filter((item) => item.kind === 'error');
	}

	get notices(): ToastItem[] {
		return this.items.filter((item) => item.kind !== 'error');
	}

	dismiss(id: number) {
		this.items = this.items.filter((item) => item.id !== id);
	}
}

export const toasts = new Toasts();
