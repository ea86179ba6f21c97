/** No 0/O, 1/I/L: codes are read aloud and typed from paper. */
const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function generateJoinCode(): string {
	const bytes = new Uint8Array(8);
	crypto.getRandomValues(bytes);
	const chars = Array.from(bytes, (byte) => alphabet[byte % alphabet.length]);
	return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}
