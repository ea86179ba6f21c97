import { z } from 'zod';

/**
 * Text that people type and others read. Refused everywhere: C0 and C1 control characters (NUL
 * is refused by Postgres, the others garble what others see), lone surrogates (half a character,
 * which no encoding can store) and the bidirectional embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069), which make a name or topic display as something it is not.
 * Multi-line text keeps line feeds and tabs.
 *
 * Every API schema builds its text fields from these, so a refusal is one kind of issue that the
 * HTTP layer answers as `INVALID_TEXT`, before anything reaches the database.
 */
const NONE_ALLOWED: ReadonlySet<number> = new Set();
/** Tab and line feed. */
const MULTI_LINE_ALLOWED: ReadonlySet<number> = new Set([0x09, 0x0a]);

export function singleLineText() {
	return z.string().superRefine(refuseCharacters(NONE_ALLOWED));
}

export function multiLineText() {
	return z.string().superRefine(refuseCharacters(MULTI_LINE_ALLOWED));
}

/** The `params` mark of an issue raised by these schemas. */
const INVALID_TEXT = 'invalidText';

export function isInvalidTextIssue(issue: { code: string; params?: unknown }): boolean {
	return (
		issue.code === 'custom' &&
		typeof issue.params === 'object' &&
		issue.params !== null &&
		INVALID_TEXT in issue.params
	);
}

function refuseCharacters(allowed: ReadonlySet<number>) {
	return (value: string, ctx: z.RefinementCtx) => {
		const found = forbiddenCharacter(value, allowed);
		if (found === undefined) return;
		const name = `U+${found.toString(16).toUpperCase().padStart(4, '0')}`;
		ctx.addIssue({
			code: 'custom',
			message: `Contains a character that is not allowed here (${name}).`,
			params: { [INVALID_TEXT]: name }
		});
	};
}

function forbiddenCharacter(value: string, allowed: ReadonlySet<number>): number | undefined {
	// Iterating a string yields code points: a surrogate pair comes as one character, so only a
	// lone surrogate is seen in the surrogate range.
	for (const character of value) {
		const code = character.codePointAt(0)!;
		if (!allowed.has(code) && isForbidden(code)) return code;
	}
	return undefined;
}

function isForbidden(code: number): boolean {
	return (
		code < 0x20 ||
		(code >= 0x7f && code <= 0x9f) ||
		(code >= 0xd800 && code <= 0xdfff) ||
		(code >= 0x202a && code <= 0x202e) ||
		(code >= 0x2066 && code <= 0x2069)
	);
}

/**
 * The text with the characters these schemas refuse taken out: what a person pasted is sent
 * without them rather than refused whole (the composer's messages, for one).
 */
export function withoutForbiddenCharacters(value: string, lines: 'single' | 'multi'): string {
	const allowed = lines === 'multi' ? MULTI_LINE_ALLOWED : NONE_ALLOWED;
	if (forbiddenCharacter(value, allowed) === undefined) return value;
	let kept = '';
	for (const character of value) {
		const code = character.codePointAt(0)!;
		if (allowed.has(code) || !isForbidden(code)) kept += character;
	}
	return kept;
}
