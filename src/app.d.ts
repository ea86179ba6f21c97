import type { SessionUser, SessionInfo } from '$lib/shared/api/auth.schema.ts';
import type { Logger } from '$lib/server/logging/logger.ts';

declare global {
	namespace App {
		interface Error {
			code: string;
			message: string;
		}
		interface Locals {
			requestId: string;
			/** The server's logger with this request's id on every line. */
			log: Logger;
			clientAddress: string;
			user: SessionUser | null;
			session: SessionInfo | null;
		}
	}
}

export {};
