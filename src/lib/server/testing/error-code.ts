import { isAppError } from '../errors.ts';

/** The stable code a service call fails with; fails the test when the call succeeds. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (error) {
		if (isAppError(error)) return error.code;
		throw error;
	}
	throw new Error('Expected the call to fail');
}
