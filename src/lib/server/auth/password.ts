import { hash, verify } from '@node-rs/argon2';

/** OWASP's Argon2id baseline: 19 MiB, 2 iterations, 1 lane. */
const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, argon2Options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

/**
 * Verified against when the email is unknown, so that a wrong email costs as much time as a
 * wrong password and the answer time does not reveal who has an account.
 */
let decoyHash: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
	decoyHash ??= hashPassword('decoy-password-never-matches');
	await verifyPassword(await decoyHash, password);
	return false;
}
