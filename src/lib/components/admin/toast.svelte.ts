/** A tiny toast queue for the admin pages: success and error messages that fade on their own. */
export type ToastKind = 'success' | 'error' | 'info';

export interface ToastItem {
	id: number;
	kind: ToastKind;
	message: string;
}

class Toasts {
	items = $state<ToastItem[]>([]);
	#next = 1;

	show(message: string, kind: ToastKind = 'success', timeout = kind === 'error' ? 7000 : 4000) {
		const id = this.#next++;
		this.items = [...this.items.slice(-3), { id, kind, message }];
		if (timeout > 0) setTimeout(() => this.dismiss(id), timeout);
		return id;
	}

	success(message: string) {
		return this.show(message, 'success');
	}

	error(message: string) {
		return this.show(message, 'error');
	}

	dismiss(id: number) {
		this.items = this.items.filter((item) => item.id !== id);
	}
}

export const toasts = new Toasts();
