import type { Sql } from '../db/database.ts';
import type { Actor, ChannelKind, PostPolicy } from '#shared/policy.ts';

/** A channel that follows the org structure (announcements, department, team), as it is now. */
export interface StructuralChannel {
	id: string;
	orgId: string;
	kind: ChannelKind;
	name: string;
	departmentId: string | null;
	teamId: string | null;
	postPolicy: PostPolicy;
	archivedAt: Date | null;
	endsAt: Date | null;
	createdBy: string | null;
}

/** The reads that find whom a change concerns: people, their invitations, structural channels. */
export class FeedAudienceRepository {
	readonly sql: Sql;

	constructor(sql: Sql) {
		this.sql = sql;
	}

	/** Active people of the organization (only `ids` when given), with their placement. */
	async people(orgId: string, ids: string[] | null, tx: Sql = this.sql): Promise<Actor[]> {
		return tx<Actor[]>`
			select id, org_id as "orgId", role, status, department_id as "departmentId",
				team_id as "teamId"
			from users
			where org_id = ${orgId} and status = 'active' ${ids ? tx`and id in ${tx(ids)}` : tx``}`;
	}

	/** Active people of the organization, each with whether they were invited to the channel. */
	async peopleFor(
		orgId: string,
		channelId: string,
		tx: Sql = this.sql
	): Promise<(Actor & { explicitMember: boolean })[]> {
		return tx<(Actor & { explicitMember: boolean })[]>`
			select u.id, u.org_id as "orgId", u.role, u.status, u.department_id as "departmentId",
				u.team_id as "teamId", (m.user_id is not null) as "explicitMember"
			from users u
			left join channel_members m on m.channel_id = ${channelId} and m.user_id = u.id
			where u.org_id = ${orgId} and u.status = 'active'`;
	}

	async structuralChannels(orgId: string, tx: Sql = this.sql): Promise<StructuralChannel[]> {
		return tx<StructuralChannel[]>`
			select id, org_id as "orgId", kind, name, department_id as "departmentId",
				team_id as "teamId", post_policy as "postPolicy", archived_at as "archivedAt",
				ends_at as "endsAt", created_by as "createdBy"
			from channels
			where org_id = ${orgId} and kind in ('announcements', 'department', 'team')`;
	}
}
