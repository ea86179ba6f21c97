import type { ResolvedPathname } from '$app/types';
import { singleLineText } from '$lib/shared/text.ts';

const sameSitePath = singleLineText().refine(
	(next) => next.startsWith('/') && !next.startsWith('//') && !next.includes('\\')
);

/**
 * The `?next=` target after signing in, if it is a path on this site; anything else (another
 * origin, `//host`, a backslash trick, a control character that no Location header may carry)
 * falls back to /home so the link cannot redirect away or break the answer.
 */
export function safeNext(next: string | null | undefined): ResolvedPathname {
	const parsed = sameSitePath.safeParse(next);
	return (parsed.success ? parsed.data : '/home') as ResolvedPathname;
}
