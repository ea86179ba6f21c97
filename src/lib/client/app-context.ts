import { getContext, setContext } from 'svelte';

/**
 * A value the app layout hands to every component below it: `set` from the layout, `get` from a
 * component (which throws, naming `what`, when rendered outside the layout).
 */
export function layoutContext<T>(what: string): [get: () => T, set: (value: T) => T] {
	const key = Symbol(what);
	return [
		() => {
			const value = getContext<T | undefined>(key);
			if (!value) throw new Error(`No ${what}: render inside the app layout.`);
			return value;
		},
		(value) => setContext(key, value)
	];
}
