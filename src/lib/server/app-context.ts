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
import { FeedAudienceRepository } from './feed/feed-audience.repository.ts';
import { FeedRepository } from './feed/feed.repository.ts';
import { FeedService } from './feed/feed.service.ts';
import { NotificationRepository } from './notifications/notification.repository.ts';
import { NotificationService } from './notifications/notification.service.ts';
import { FileRepository } from './files/file.repository.ts';
import { FileService } from './files/file.service.ts';
import { llmSettingsFrom, SummaryThread } from './breakouts/summary/index.ts';
import { ImageProcess } from './files/image-process.ts';
import { createStorage, type FileStorage } from './storage/storage.ts';
import { registerFileJobs } from './files/abandoned-uploads.job.ts';
import { AwayDelivery, registerDeliveryJobs } from './delivery/away-delivery.ts';
import { AwayDeliveryRepository } from './delivery/away-delivery.repository.ts';
import { JobQueue } from './jobs/job-queue.ts';
import { BreakoutRepository } from './breakouts/breakout.repository.ts';
import { BreakoutService } from './breakouts/breakout.service.ts';
import { registerBreakoutJobs } from './breakouts/breakout.jobs.ts';
import { BroadcastRepository } from './broadcasts/broadcast.repository.ts';
import { BroadcastService } from './broadcasts/broadcast.service.ts';
import { registerBroadcastJobs } from './broadcasts/broadcast.jobs.ts';
import { JobRepository } from './jobs/job.repository.ts';
import { DashboardRepository } from './dashboard/dashboard.repository.ts';
import { DashboardService } from './dashboard/dashboard.service.ts';
import { registerDashboardJobs } from './dashboard/dashboard-rollup.job.ts';
import { JobService } from './jobs/job.service.ts';
import { ApprovalRepository } from './approvals/approval.repository.ts';
import { ApprovalService } from './approvals/approval.service.ts';
import { registerApprovalJobs } from './approvals/approval.jobs.ts';
import { RetentionRepository } from './retention/retention.repository.ts';
import { RetentionService } from './retention/retention.service.ts';
import { registerRetentionJobs } from './retention/retention.jobs.ts';
import { storedDocumentPurger } from './retention/stored-documents.ts';
import { DocumentRepository } from './documents/document.repository.ts';
import { ExportRepository } from './exports/export.repository.ts';
import { ExportService } from './exports/export.service.ts';
import { ExportLinks } from './exports/export-links.ts';
import { registerExportJobs } from './exports/export.job.ts';
import { jobKinds } from './jobs/kinds.ts';
import { logger } from './logging/logger.ts';
import { ServerSecretsRepository } from './secrets/server-secrets.repository.ts';
import { NotificationSettingsRepository } from './notifications/notification-settings.repository.ts';
import { Mailer } from './mail/mailer.ts';
import { SignedTokens } from './mail/unsubscribe-tokens.ts';
import { EmailNotificationService } from './mail/email-notifications.service.ts';
import { PushRepository } from './push/push.repository.ts';
import { PushSender, PushSubscriptionService } from './push/push.service.ts';
import { Metrics } from './ops/metrics.ts';
import { Readiness } from './ops/readiness.ts';

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
	feed: FeedService;
	notifications: NotificationService;
	files: FileService;
	/** Breakout rooms: timed side rooms of a channel, their timers as jobs. */
	breakouts: BreakoutService;
	broadcasts: BroadcastService;
	/**
	 * The background job queue (jobs/job-queue.ts): services schedule jobs on it, handlers are
	 * registered on it here. Not started by this function: the app process starts it.
	 */
	jobQueue: JobQueue;
	/** What Super Admins see of the jobs. */
	jobs: JobService;
	/** The managers' activity dashboard and its daily rollup job. */
	dashboard: DashboardService;
	/** Approval workflows: requests routed by org position, decisions that take effect. */
	approvals: ApprovalService;
	/** Retention rules, legal holds and the run that deletes what is due. */
	retention: RetentionService;
	/** Compliance exports and self-exports: asked, run as jobs, downloaded through signed links. */
	exports: ExportService;
	/** Email notifications: settings, the missed-messages email, one-click unsubscribe. */
	email: EmailNotificationService;
	/** The browsers people receive push on, and the VAPID key. */
	push: PushSubscriptionService;
	/** Sends Web Push messages (show, close) to a person's browsers. */
	pushSender: PushSender;
	/** Email and push for people who are away (the collaboration server, which knows, calls it). */
	awayDelivery: AwayDelivery;
	/** The process's Prometheus metrics (ops/metrics.ts): one registry per process. */
	metrics: Metrics;
	/** Whether the process should get traffic (ops/readiness.ts): /readyz. */
	readiness: Readiness;
	close(): Promise<void>;
}

export function createAppContext(
	config: AppConfig,
	database: Database,
	storage: FileStorage = createStorage(config)
): AppContext {
	const events = new DomainEvents();
	const metrics = new Metrics();
	const readiness = new Readiness();
	readiness.probe('database', () => database.sql`select 1`.execute());
	// A key that never exists: a folder's stat, or an S3 HEAD that answers 404 when reachable.
	readiness.probe('storage', () => storage.exists('readyz-probe'));
	const sessions = new SessionRepository(database.sql);
	const peopleRepository = new PeopleRepository(database.sql);
	const orgRepository = new OrgRepository(database.sql);
	const auditRepository = new AuditRepository(database.sql);
	const channelRepository = new ChannelRepository(database.sql);
	const feed = new FeedService({
		feed: new FeedRepository(database.sql),
		audience: new FeedAudienceRepository(database.sql),
		events
	});
	const shared = { database, audit: auditRepository, events, feed };
	const images = new ImageProcess();
	const summaries = new SummaryThread();
	const secrets = new ServerSecretsRepository(database.sql);
	const mailer = new Mailer({
		smtpUrl: config.SMTP_URL,
		from: config.MAIL_FROM,
		logger: logger.child({ module: 'mail' })
	});
	const pushSubscriptions = new PushRepository(database.sql);
	const pushLogger = logger.child({ module: 'push' });
	const push = new PushSubscriptionService({
		subscriptions: pushSubscriptions,
		secrets,
		logger: pushLogger,
		contact: config.PUSH_CONTACT,
		allowPrivateEndpoints: config.PUSH_ALLOW_PRIVATE_ENDPOINTS
	});
	const pushSender = new PushSender({
		subscriptions: pushSubscriptions,
		service: push,
		logger: pushLogger,
		contact: config.PUSH_CONTACT,
		allowPrivateEndpoints: config.PUSH_ALLOW_PRIVATE_ENDPOINTS
	});
	const notifications = new NotificationService({
		database,
		notifications: new NotificationRepository(database.sql),
		channels: channelRepository,
		feed,
		events
	});
	const channels = new ChannelService({
		...shared,
		channels: channelRepository,
		people: peopleRepository,
		notifications
	});
	const jobQueue = new JobQueue({
		database,
		connectionString: database.url,
		kinds: jobKinds,
		superviseIntervalSeconds: config.JOBS_SUPERVISE_SECONDS,
		metrics
	});
	const files = new FileService({
		files: new FileRepository(database.sql),
		storage,
		channels,
		images,
		maxFileMb: config.MAX_FILE_MB,
		receiveMbPerS: config.UPLOAD_RECEIVE_MB_PER_S
	});
	registerFileJobs(jobQueue, files);
	metrics.readUploadPaceFrom(() => files.uploadPace.megabytesPerSecond);
	const email = new EmailNotificationService({
		mailer,
		tokens: new SignedTokens(secrets),
		settings: new NotificationSettingsRepository(database.sql),
		publicUrl: config.publicUrl,
		defaultBatchSeconds: config.EMAIL_BATCH_SECONDS
	});
	const awayDelivery = new AwayDelivery({
		repository: new AwayDeliveryRepository(database.sql),
		jobs: jobQueue,
		email,
		push: pushSender,
		logger: logger.child({ module: 'away-delivery' })
	});
	registerDeliveryJobs(jobQueue, awayDelivery);
	const breakouts = new BreakoutService({
		...shared,
		breakouts: new BreakoutRepository(database.sql),
		channelRows: channelRepository,
		channels,
		notifications,
		jobs: jobQueue,
		publicUrl: config.publicUrl,
		log: logger.child({ module: 'breakouts' }),
		llm: llmSettingsFrom(config),
		summaries
	});
	registerBreakoutJobs(jobQueue, breakouts);
	const broadcasts = new BroadcastService({
		...shared,
		broadcasts: new BroadcastRepository(database.sql),
		jobs: jobQueue,
		mailer,
		push: pushSender,
		publicUrl: config.publicUrl,
		log: logger.child({ module: 'broadcasts' })
	});
	registerBroadcastJobs(jobQueue, broadcasts);
	const dashboard = new DashboardService({
		repository: new DashboardRepository(database.sql),
		org: orgRepository
	});
	registerDashboardJobs(jobQueue, dashboard);
	const approvalRepository = new ApprovalRepository(database.sql);
	const approvals = new ApprovalService({
		...shared,
		approvals: approvalRepository,
		channels: channelRepository,
		people: peopleRepository,
		notifications,
		jobs: jobQueue,
		log: logger.child({ module: 'approvals' })
	});
	registerApprovalJobs(jobQueue, approvals);
	const retention = new RetentionService({
		...shared,
		repository: new RetentionRepository(database.sql),
		channels,
		people: peopleRepository,
		storage,
		jobs: jobQueue,
		purger: storedDocumentPurger(new DocumentRepository(database.sql)),
		log: logger.child({ module: 'retention' })
	});
	registerRetentionJobs(jobQueue, retention);
	const jobRepository = new JobRepository(database.sql);
	metrics.readJobCountsFrom(async () =>
		(await jobRepository.counts()).map((row) => ({
			queue: row.name,
			queued: row.queued,
			failed: row.failed
		}))
	);
	const exports = new ExportService({
		...shared,
		exports: new ExportRepository(database.sql),
		jobs: jobQueue,
		storage,
		links: new ExportLinks(secrets),
		log: logger.child({ module: 'exports' }),
		// Real Postgres takes more connections: the export process reads the pages itself.
		databaseUrl: database.url
	});
	registerExportJobs(jobQueue, exports);
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
			approvals,
			sessionDays: config.SESSION_DAYS
		}),
		org: new OrgService({ ...shared, org: orgRepository, channels: channelRepository }),
		people: new PeopleService({
			...shared,
			people: peopleRepository,
			org: orgRepository,
			sessions,
			approvals
		}),
		audit: new AuditService(auditRepository),
		channels,
		search: new SearchService({ database, channels }),
		feed,
		notifications,
		files,
		breakouts,
		broadcasts,
		jobQueue,
		jobs: new JobService({ queue: jobQueue, repository: jobRepository }),
		dashboard,
		approvals,
		retention,
		exports,
		email,
		push,
		pushSender,
		awayDelivery,
		metrics,
		readiness,
		close: async () => {
			// Jobs first: a running handler may still need the database and the image process.
			await jobQueue.stop();
			mailer.close();
			pushSender.close();
			await images.close();
			await summaries.close();
			await database.close();
		}
	};
}

/**
 * Opens the database and builds the context. `startJobs`: the app process (server/main.ts, the
 * dev server) runs the background jobs; scripts and test processes that only need the services
 * leave it off.
 */
export async function openAppContext(
	config: AppConfig = loadConfig(),
	options: { startJobs?: boolean } = {}
): Promise<AppContext> {
	const database = await openDatabase({
		databaseUrl: config.DATABASE_URL,
		pgliteDir: config.pgliteDir,
		pgliteMemory: { sharedBuffers: config.PGLITE_SHARED_BUFFERS, workMem: config.PGLITE_WORK_MEM }
	});
	const context = createAppContext(config, database);
	if (options.startJobs) await context.jobQueue.start();
	return context;
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
	holder[contextKey] ??= openAppContext(loadConfig(), { startJobs: true });
	return holder[contextKey];
}

/** Installs a context opened elsewhere (tests, the process entry with a custom config). */
export function installAppContext(context: AppContext): void {
	(globalThis as ContextHolder)[contextKey] = Promise.resolve(context);
}
