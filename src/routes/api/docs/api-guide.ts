import { errorStatus, type ErrorCode } from '$lib/shared/errors.ts';

const errorHelp: Partial<Record<ErrorCode, string>> = {
	VALIDATION_FAILED: '`details.issues` lists each problem as `{ path, message }`.',
	RATE_LIMITED: '`details.retryAfterSeconds` says when to try again (also `Retry-After`).',
	UNAUTHENTICATED: 'No valid session cookie: sign in first.',
	INVALID_CREDENTIALS: 'Same answer for an unknown email and a wrong password.',
	PAYLOAD_TOO_LARGE: 'The JSON body is larger than the server accepts.'
};

const errorExample = JSON.stringify(
	{
		error: {
			code: 'VALIDATION_FAILED',
			message: 'email: Enter a valid email address.',
			details: {
				where: 'body',
				issues: [{ path: 'email', message: 'Enter a valid email address.' }]
			}
		}
	},
	null,
	2
);

/**
 * What a client needs before the first call, in markdown for the reference's introduction:
 * how to authenticate, and every error code with its HTTP status.
 */
export function apiGuide(sessionCookie: string): string {
	const rows = (Object.entries(errorStatus) as [ErrorCode, number][]).map(
		([code, status]) => `| \`${code}\` | ${status} | ${errorHelp[code] ?? ''} |`
	);
	return [
		'## Authentication',
		'',
		'Sign in with `POST /api/auth/sign-in` (or create an organization, or join one). The answer ' +
			`sets the \`${sessionCookie}\` cookie: HttpOnly, SameSite=Lax, and Secure over HTTPS. ` +
			'Send it with every request; operations that need it answer `401 UNAUTHENTICATED` without ' +
			'it. Sessions slide forward while in use and can be ended from any other device.',
		'',
		'## Errors',
		'',
		'Every failure answers with a stable code and a human message. Key your handling on the ' +
			'code, never on the message.',
		'',
		'```json',
		errorExample,
		'```',
		'',
		'| Code | Status | Notes |',
		'| --- | --- | --- |',
		...rows
	].join('\n');
}
