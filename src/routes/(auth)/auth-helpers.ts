import type { ResolvedPathname } from '$app/types';

/**
 * The `?next=` target after signing in, if it is a path on this site; anything else (another
 * origin, `//host`, a backslash trick) falls back to /home so the link cannot redirect away.
 */
export function safeNext(next: string | null | undefined): ResolvedPathname {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) {
		return '/home' as ResolvedPathname;
	}
	return next as ResolvedPathname;
}
