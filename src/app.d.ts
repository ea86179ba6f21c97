import type { SessionUser, SessionInfo } from '$lib/server/auth/auth.schema.ts';

declare global {
	namespace App {
		interface Error {
			code: string;
			message: string;
		}
		interface Locals {
			requestId: string;
			clientAddress: string;
			user: SessionUser | null;
			session: SessionInfo | null;
		}
	}
}

export {};
