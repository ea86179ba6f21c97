import type { Sql } from '../db/database.ts';
import type { Role, UserStatus } from '#shared/roles.ts';
import { AppError } from '../errors.ts';
import { DomainServiceWith } from '../domain-service.ts';
import type { OrgRepository } from '../org/org.repository.ts';
import type { ChannelRepository } from '../channels/channel.repository.ts';
import type { PeopleRepository } from '../people/people.repository.ts';
import { compactJoinCode, generateJoinCode } from '../org/join-code.ts';
import { JoinCodeThrottle } from '../org/join-code-throttle.ts';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password.ts';
import { generateSessionToken, isWellFormedToken, sessionIdFromToken } from './session-token.ts';
import type { SessionRepository, SessionRow } from './session.repository.ts';
import { SignInThrottle } from './sign-in-throttle.ts';
import { deviceName } from './device-name.ts';
import type {
	CreateOrganizationInput,
	RegisterInput,
	SessionInfo,
	SessionUser,
	SignInInput
} from '#shared/api/auth.schema.ts';

const DAY_MS = 86_400_000;
/** Writing last-seen on every request would turn reads into writes; once a minute is enough. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface ClientInfo {
	userAgent: string;
	ip: string;
}

export interface IssuedSession {
	token: string;
	expiresAt: Date;
	user: SessionUser;
}

export interface ValidatedSession {
	session: SessionRow;
	user: SessionUser;
	/** Set when the expiry slid forward and the cookie must be sent again. */
	renewedExpiresAt: Date | null;
}

/** What registration needs of the approvals module (approvals/approval.service.ts). */
export interface JoinApprovals {
	/** Stores the request inside `tx`; answers what tells its approvers, to run once committed. */
	organizationJoinRequested(tx: Sql, person: { id: string; orgId: string }): Promise<() => void>;
}

export class AuthService extends DomainServiceWith<{
	sessions: SessionRepository;
	people: PeopleRepository;
	org: OrgRepository;
	channels: ChannelRepository;
	/** Approval workflows: a person joining while approval is on asks the Super Admins. */
	approvals?: JoinApprovals;
	sessionDays: number;
}>() {
	readonly throttle = new SignInThrottle(this.database.sql);
	readonly joinThrottle = new JoinCodeThrottle(this.database.sql);

	/** The creator becomes the Super Admin of a new organization with a fresh join code. */
	async createOrganization(input: CreateOrganizationInput, client: ClientInfo) {
		const passwordHash = await hashPassword(input.password);
		const userId = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			if (await this.people.emailExists(input.email, sql)) throw emailTaken();
			const organization = await this.org.insertOrganization(
				input.organizationName,
				generateJoinCode(),
				sql
			);
			const person = await this.insertPerson(sql, input, passwordHash, {
				orgId: organization.id,
				role: 'super_admin',
				status: 'active'
			});
			await this.channels.insert(
				{
					orgId: organization.id,
					kind: 'announcements',
					name: 'Official Announcements',
					topic: 'News for everyone at ' + organization.name,
					postPolicy: 'moderators',
					createdBy: person.id
				},
				sql
			);
			await this.audit.record(
				{
					orgId: organization.id,
					actorId: person.id,
					action: 'organization.create',
					targetType: 'organization',
					targetId: organization.id,
					after: { name: organization.name }
				},
				sql
			);
			return person.id;
		});
		return this.issueSession(userId, client);
	}

	/**
	 * Joins with a code. With approval required, the person waits and gets no session yet.
	 * Wrong codes are throttled per address and across all addresses (join-code-throttle.ts).
	 */
	async register(
		input: RegisterInput,
		client: ClientInfo
	): Promise<IssuedSession | { pendingApproval: true }> {
		await this.joinThrottle.assertAllowed(client.ip);
		const organization = await this.org.findOrganizationByJoinCode(compactJoinCode(input.joinCode));
		if (!organization || !organization.joinCodeEnabled) {
			await this.joinThrottle.recordFailure(client.ip);
			throw new AppError(
				'JOIN_CODE_INVALID',
				'That join code is not valid. Ask your administrator for the current code.'
			);
		}
		const passwordHash = await hashPassword(input.password);
		const status = organization.requireApproval ? 'pending' : 'active';
		let tellApprovers = () => {};
		const userId = await this.database.sql.begin(async (tx) => {
			const sql = tx as unknown as Sql;
			if (await this.people.emailExists(input.email, sql)) throw emailTaken();
			const person = await this.insertPerson(sql, input, passwordHash, {
				orgId: organization.id,
				role: 'team_member',
				status
			});
			await this.audit.record(
				{
					orgId: organization.id,
					actorId: person.id,
					action: 'person.register',
					targetType: 'person',
					targetId: person.id,
					after: { name: person.name, email: person.email, status }
				},
				sql
			);
			if (status === 'pending' && this.approvals) {
				tellApprovers = await this.approvals.organizationJoinRequested(sql, {
					id: person.id,
					orgId: organization.id
				});
			}
			return person.id;
		});
		this.events.emit('structure.changed', { orgId: organization.id });
		tellApprovers();
		if (status === 'pending') return { pendingApproval: true };
		return this.issueSession(userId, client);
	}

	/** A new person as they signed up, inside the transaction `sql`. */
	private insertPerson(
		sql: Sql,
		input: { email: string; name: string; title: string },
		passwordHash: string,
		placement: { orgId: string; role: Role; status: UserStatus }
	) {
		const { email, name, title } = input;
		return this.people.insert({ ...placement, email, name, title, passwordHash }, sql);
	}

	/** Same answer for an unknown email and a wrong password; failures slow further tries. */
	async signIn(input: SignInInput, client: ClientInfo): Promise<IssuedSession> {
		const credentials = await this.people.findCredentials(input.email);
		const knownAddress = credentials
			? await this.throttle.isKnownAddress(credentials.id, client.ip)
			: false;
		await this.throttle.assertAllowed(input.email, client.ip, knownAddress);
		const valid = credentials
			? await verifyPassword(credentials.passwordHash, input.password)
			: await verifyAgainstDecoy(input.password);
		if (!credentials || !valid) {
			await this.throttle.recordFailure(input.email, client.ip);
			throw new AppError('INVALID_CREDENTIALS', 'The email or password is not correct.');
		}
		if (credentials.status === 'deactivated') {
			throw new AppError('ACCOUNT_DEACTIVATED', 'This account has been deactivated.');
		}
		if (credentials.status === 'pending') {
			throw new AppError(
				'ACCOUNT_PENDING',
				'Your account is waiting for an administrator to approve it.'
			);
		}
		await this.throttle.forgetFailures(input.email, client.ip);
		return this.issueSession(credentials.id, client);
	}

	async issueSession(userId: string, client: ClientInfo): Promise<IssuedSession> {
		const token = generateSessionToken();
		const expiresAt = new Date(Date.now() + this.sessionDays * DAY_MS);
		await this.sessions.insert({
			id: sessionIdFromToken(token),
			userId,
			expiresAt,
			userAgent: client.userAgent.slice(0, 400),
			ip: client.ip
		});
		await this.throttle.rememberAddress(userId, client.ip);
		const validated = await this.validateToken(token);
		if (!validated) throw new AppError('INTERNAL', 'The new session could not be read back.');
		return { token, expiresAt, user: validated.user };
	}

	/**
	 * Resolves a cookie token to its session and person, or null when it is forged, expired,
	 * ended, or its person is no longer active. Slides the expiry forward when half is used.
	 */
	async validateToken(token: string, now = new Date()): Promise<ValidatedSession | null> {
		if (!isWellFormedToken(token)) return null;
		const found = await this.sessions.findWithUser(sessionIdFromToken(token));
		if (!found) return null;
		if (found.expiresAt.getTime() <= now.getTime()) {
			await this.sessions.delete(found.id);
			return null;
		}
		if (found.user.status !== 'active') {
			await this.sessions.deleteAllForUser(found.userId);
			return null;
		}
		const lifetime = this.sessionDays * DAY_MS;
		const slides = found.expiresAt.getTime() - now.getTime() < lifetime / 2;
		const stale = now.getTime() - found.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS;
		const expiresAt = slides ? new Date(now.getTime() + lifetime) : found.expiresAt;
		if (slides || stale) await this.sessions.touch(found.id, now, expiresAt);
		const { user, ...session } = found;
		return {
			session: { ...session, expiresAt, lastSeenAt: stale ? now : found.lastSeenAt },
			user,
			renewedExpiresAt: slides ? expiresAt : null
		};
	}

	async signOut(sessionId: string, userId: string): Promise<void> {
		await this.sessions.delete(sessionId);
		this.events.emit('sessions.ended', { userId, sessionIds: [sessionId] });
	}

	async listSessions(userId: string, currentSessionId: string): Promise<SessionInfo[]> {
		const rows = await this.sessions.listForUser(userId);
		return rows.map((row) => ({
			id: row.id,
			createdAt: row.createdAt.toISOString(),
			lastSeenAt: row.lastSeenAt.toISOString(),
			expiresAt: row.expiresAt.toISOString(),
			device: deviceName(row.userAgent),
			ip: row.ip,
			current: row.id === currentSessionId
		}));
	}

	/** People end only their own sessions; an unknown or foreign id is simply not found. */
	async endSession(userId: string, sessionId: string): Promise<void> {
		const ended = await this.sessions.deleteForUser(userId, sessionId);
		if (!ended) throw new AppError('NOT_FOUND', 'That session was not found.');
		this.events.emit('sessions.ended', { userId, sessionIds: [sessionId] });
	}

	async endAllSessions(userId: string): Promise<number> {
		const count = await this.sessions.deleteAllForUser(userId);
		this.events.emit('sessions.ended', { userId, sessionIds: 'all' });
		return count;
	}
}

function emailTaken() {
	return new AppError('EMAIL_TAKEN', 'An account with this email already exists.');
}
