import { z } from 'zod';
import { errorStatus } from '#shared/errors.ts';
import type { ApiContract } from '#shared/api/contract.ts';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
	const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
		io,
		unrepresentable: 'any',
		target: 'openapi-3.0'
	}) as JsonSchema;
	return rest;
};

const errorBody: JsonSchema = {
	type: 'object',
	required: ['error'],
	properties: {
		error: {
			type: 'object',
			required: ['code', 'message'],
			properties: {
				code: { type: 'string', enum: Object.keys(errorStatus) },
				message: { type: 'string' },
				details: {}
			}
		}
	}
};

/** OpenAPI 3 document built from the same zod schemas that validate the requests. */
export function buildOpenApi(endpoints: readonly ApiContract[], serverUrl: string) {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const endpoint of endpoints) {
		const parameters = [
			...objectParameters(endpoint.params, 'path'),
			...objectParameters(endpoint.query, 'query')
		];
		paths[endpoint.path] ??= {};
		paths[endpoint.path]![endpoint.method.toLowerCase()] = {
			summary: endpoint.summary,
			tags: [endpoint.tag],
			security: endpoint.requiresUser ? [{ sessionCookie: [] }] : [],
			...(parameters.length ? { parameters } : {}),
			...(endpoint.body
				? {
						requestBody: {
							required: true,
							content: { 'application/json': { schema: toSchema(endpoint.body, 'input') } }
						}
					}
				: {}),
			responses: {
				[String(endpoint.status ?? 200)]: {
					description: 'Success',
					content: { 'application/json': { schema: toSchema(endpoint.response, 'output') } }
				},
				default: {
					description: 'Error with a stable code',
					content: { 'application/json': { schema: errorBody } }
				}
			}
		};
	}
	return {
		openapi: '3.0.3',
		info: {
			title: 'ConnectFlow API',
			version: '1',
			description:
				'Every request body and query is validated against the schemas below; errors answer ' +
				'`{ error: { code, message, details? } }` with a stable code.'
		},
		servers: [{ url: serverUrl }],
		components: {
			securitySchemes: {
				sessionCookie: { type: 'apiKey', in: 'cookie', name: 'cf_session' }
			}
		},
		paths
	};
}

function objectParameters(schema: z.ZodType | undefined, location: 'path' | 'query') {
	if (!schema) return [];
	const json = toSchema(schema, 'input') as {
		properties?: Record<string, JsonSchema>;
		required?: string[];
	};
	return Object.entries(json.properties ?? {}).map(([name, property]) => ({
		name,
		in: location,
		required: location === 'path' || (json.required ?? []).includes(name),
		schema: property
	}));
}
