/** No 0/O, 1/I/L: codes are read aloud and typed from paper. */
const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const GROUPS = 4;
const GROUP_LENGTH = 5;

/**
 * Four groups of five characters: 20 × log2(31) ≈ 99 bits, so that guessing stays hopeless
 * however many addresses an attacker has (the throttle in join-code-throttle.ts only makes it
 * slower still). Drawn without modulo bias: bytes past the last whole multiple of the alphabet
 * are drawn again.
 */
export function generateJoinCode(): string {
	const limit = 256 - (256 % alphabet.length);
	const chars: string[] = [];
	while (chars.length < GROUPS * GROUP_LENGTH) {
		const bytes = crypto.getRandomValues(new Uint8Array(32));
		for (const byte of bytes) {
			if (byte < limit && chars.length < GROUPS * GROUP_LENGTH) {
				chars.push(alphabet[byte % alphabet.length]!);
			}
		}
	}
	const groups = Array.from({ length: GROUPS }, (_, index) =>
		chars.slice(index * GROUP_LENGTH, (index + 1) * GROUP_LENGTH).join('')
	);
	return groups.join('-');
}

/**
 * The code as it is compared: upper case, without the dashes and spaces people type or leave
 * out. Codes of the earlier four-four form compare the same way, so they keep working.
 */
export function compactJoinCode(code: string): string {
	return code.toUpperCase().replace(/[\s-]+/g, '');
}
