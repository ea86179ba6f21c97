import { z } from 'zod';
import { defineContract, idParams } from './contract.ts';
import {
	acknowledgementsSchema,
	broadcastListSchema,
	broadcastSchema,
	sendBroadcastSchema
} from './broadcasts.schema.ts';

/** Emergency broadcasts (issue 18): urgent messages that everyone must acknowledge. */
export const sendBroadcast = defineContract({
	method: 'POST',
	path: '/api/broadcasts',
	summary:
		'Send an emergency broadcast to the organization or a department (Super Admin; a Department Head to their department)',
	tag: 'Broadcasts',
	requiresUser: true,
	body: sendBroadcastSchema,
	response: broadcastSchema,
	status: 201
});

export const pendingBroadcasts = defineContract({
	method: 'GET',
	path: '/api/broadcasts/pending',
	summary: 'The broadcasts I have not acknowledged yet, oldest first',
	tag: 'Broadcasts',
	requiresUser: true,
	response: broadcastListSchema
});

export const sentBroadcasts = defineContract({
	method: 'GET',
	path: '/api/broadcasts',
	summary: 'Broadcasts I may follow (those I sent; all of the organization for a Super Admin)',
	tag: 'Broadcasts',
	requiresUser: true,
	response: broadcastListSchema
});

export const acknowledgeBroadcast = defineContract({
	method: 'POST',
	path: '/api/broadcasts/{id}/acknowledge',
	summary: 'Acknowledge a broadcast I received (on every device at once)',
	tag: 'Broadcasts',
	requiresUser: true,
	params: idParams,
	response: z.object({ acknowledgedAt: z.string() })
});

export const broadcastAcknowledgements = defineContract({
	method: 'GET',
	path: '/api/broadcasts/{id}/acknowledgements',
	summary: 'Who has and has not acknowledged a broadcast (its sender, or a Super Admin)',
	tag: 'Broadcasts',
	requiresUser: true,
	params: idParams,
	response: acknowledgementsSchema
});

export const broadcastAcknowledgementsCsv = defineContract({
	method: 'GET',
	path: '/api/broadcasts/{id}/acknowledgements/csv',
	summary: 'The acknowledgements of a broadcast as CSV (its sender, or a Super Admin)',
	tag: 'Broadcasts',
	requiresUser: true,
	params: idParams,
	response: z.unknown()
});
