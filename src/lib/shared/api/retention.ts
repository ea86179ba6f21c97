import { z } from 'zod';
import { defineContract, idParams } from './contract.ts';
import {
	channelRetentionAnswerSchema,
	channelRuleBodySchema,
	legalHoldSchema,
	orgRuleBodySchema,
	placeLegalHoldSchema,
	retentionOverviewSchema,
	retentionPreviewSchema,
	retentionRunSchema
} from './retention.schema.ts';

/** Retention and legal hold (issue 18): what is deleted after how long, and what must be kept. */
export const retentionOverview = defineContract({
	method: 'GET',
	path: '/api/retention',
	summary:
		"The organization's retention rule, channels with their own, legal holds and the last run (Super Admin)",
	tag: 'Retention',
	requiresUser: true,
	response: retentionOverviewSchema
});

export const setOrgRetention = defineContract({
	method: 'PUT',
	path: '/api/retention/org',
	summary: "Set the organization's retention: keep forever, or delete after N days (Super Admin)",
	tag: 'Retention',
	requiresUser: true,
	body: orgRuleBodySchema,
	response: orgRuleBodySchema
});

export const previewOrgRetention = defineContract({
	method: 'POST',
	path: '/api/retention/org/preview',
	summary: 'How many messages and files a rule for the organization would delete now (Super Admin)',
	tag: 'Retention',
	requiresUser: true,
	body: orgRuleBodySchema,
	response: retentionPreviewSchema
});

export const channelRetention = defineContract({
	method: 'GET',
	path: '/api/channels/{id}/retention',
	summary: "A channel's retention rule (those who manage the channel)",
	tag: 'Retention',
	requiresUser: true,
	params: idParams,
	response: channelRetentionAnswerSchema
});

export const setChannelRetention = defineContract({
	method: 'PUT',
	path: '/api/channels/{id}/retention',
	summary:
		"Set a channel's retention: the organization's, keep forever, or N days (those who manage it)",
	tag: 'Retention',
	requiresUser: true,
	params: idParams,
	body: channelRuleBodySchema,
	response: channelRetentionAnswerSchema
});

export const previewChannelRetention = defineContract({
	method: 'POST',
	path: '/api/channels/{id}/retention/preview',
	summary: 'How many messages and files a rule for the channel would delete now',
	tag: 'Retention',
	requiresUser: true,
	params: idParams,
	body: channelRuleBodySchema,
	response: retentionPreviewSchema
});

export const placeLegalHold = defineContract({
	method: 'POST',
	path: '/api/retention/holds',
	summary: 'Place a legal hold on a person or a channel: nothing of it is deleted (Super Admin)',
	tag: 'Retention',
	requiresUser: true,
	body: placeLegalHoldSchema,
	response: legalHoldSchema,
	status: 201
});

export const liftLegalHold = defineContract({
	method: 'DELETE',
	path: '/api/retention/holds/{id}',
	summary: 'Lift a legal hold (Super Admin)',
	tag: 'Retention',
	requiresUser: true,
	params: idParams,
	response: z.object({ liftedAt: z.string() })
});

export const runRetention = defineContract({
	method: 'POST',
	path: '/api/retention/run',
	summary: 'Run the retention job now instead of tonight (Super Admin)',
	tag: 'Retention',
	requiresUser: true,
	response: z.object({ scheduled: z.boolean() }),
	status: 202
});

export const retentionRuns = defineContract({
	method: 'GET',
	path: '/api/retention/runs',
	summary: 'The recent retention runs of the organization (Super Admin)',
	tag: 'Retention',
	requiresUser: true,
	response: z.object({ runs: z.array(retentionRunSchema) })
});
