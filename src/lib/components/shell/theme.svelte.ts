import { THEME_STORAGE_KEY, themeBootstrapScript } from './theme-bootstrap.js';

/** Light, dark, or follow the system; stored per browser and applied to <html data-theme>. */
export type ThemeChoice = 'light' | 'dark' | 'system';

const choices: readonly ThemeChoice[] = ['light', 'dark', 'system'];

/** The bootstrap as a <script> element, for {@html} in <svelte:head>. */
export const themeBootstrapTag = `<script>${themeBootstrapScript}<` + `/script>`;

function isChoice(value: unknown): value is ThemeChoice {
	return typeof value === 'string' && (choices as readonly string[]).includes(value);
}

export class ThemePreference {
	choice = $state<ThemeChoice>('system');

	/** Reads the stored choice; call once in the browser. */
	load(): void {
		try {
			const stored = localStorage.getItem(THEME_STORAGE_KEY);
			this.choice = isChoice(stored) ? stored : 'system';
		} catch {
			this.choice = 'system';
		}
		this.apply();
	}

	set(choice: ThemeChoice): void {
		this.choice = choice;
		try {
			if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
			else localStorage.setItem(THEME_STORAGE_KEY, choice);
		} catch {
			// Private mode or storage disabled: the choice lasts for this page only.
		}
		this.apply();
	}

	private apply(): void {
		if (typeof document === 'undefined') return;
		const root = document.documentElement;
		if (this.choice === 'system') delete root.dataset.theme;
		else root.dataset.theme = this.choice;
	}
}

/** The one preference of this browser tab. Only read and changed in the browser. */
export const theme = new ThemePreference();
