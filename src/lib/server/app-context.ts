import { loadConfig, type AppConfig } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import { DomainEvents } from './events.ts';
import { AuditRepository } from './audit/audit.repository.ts';
import { AuditService } from './audit/audit.service.ts';
import { AuthService } from './auth/auth.service.ts';
import { SessionRepository } from './auth/session.repository.ts';
import { OrgRepository } from './org/org.repository.ts';
import { OrgService } from './org/org.service.ts';
import { PeopleRepository } from './people/people.repository.ts';
import { PeopleService } from './people/people.service.ts';
import { ChannelRepository } from './channels/channel.repository.ts';
import { ChannelService } from './channels/channel.service.ts';
import { SearchService } from './search/search.service.ts';

/**
 * Everything the server holds once per process: configuration, the database, the domain
 * services. No per-user state lives here.
 */
export interface AppContext {
	config: AppConfig;
	database: Database;
	events: DomainEvents;
	auth: AuthService;
	org: OrgService;
	people: PeopleService;
	audit: AuditService;
	channels: ChannelService;
	search: SearchService;
	close(): Promise<void>;
}

export function createAppContext(config: AppConfig, database: Database): AppContext {
	const events = new DomainEvents();
	const sessions = new SessionRepository(database.sql);
	const peopleRepository = new PeopleRepository(database.sql);
	const orgRepository = new OrgRepository(database.sql);
	const auditRepository = new AuditRepository(database.sql);
	const channelRepository = new ChannelRepository(database.sql);
	const shared = { database, audit: auditRepository, events };
	const channels = new ChannelService({
		...shared,
		channels: channelRepository,
		people: peopleRepository
	});
	return {
		config,
		database,
		events,
		auth: new AuthService({
			...shared,
			sessions,
			people: peopleRepository,
			org: orgRepository,
			channels: channelRepository,
			sessionDays: config.SESSION_DAYS
		}),
		org: new OrgService({ ...shared, org: orgRepository, channels: channelRepository }),
		people: new PeopleService({
			...shared,
			people: peopleRepository,
			org: orgRepository,
			sessions
		}),
		audit: new AuditService(auditRepository),
		channels,
		search: new SearchService({ database, channels }),
		close: () => database.close()
	};
}

export async function openAppContext(config: AppConfig = loadConfig()): Promise<AppContext> {
	const database = await openDatabase({
		databaseUrl: config.DATABASE_URL,
		pgliteDir: config.pgliteDir
	});
	return createAppContext(config, database);
}

/**
 * The process entry (server/main.ts) and the SvelteKit bundle each load their own copy of this
 * module; the context itself must be one per process (PGlite is single-session), so it is kept
 * under a global symbol and whichever copy asks first opens it.
 */
const contextKey = Symbol.for('connectflow.app-context');
type ContextHolder = { [contextKey]?: Promise<AppContext> };

export function appContext(): Promise<AppContext> {
	const holder = globalThis as ContextHolder;
	holder[contextKey] ??= openAppContext();
	return holder[contextKey];
}

/** Installs a context opened elsewhere (tests, the process entry with a custom config). */
export function installAppContext(context: AppContext): void {
	(globalThis as ContextHolder)[contextKey] = Promise.resolve(context);
}
