/** The parts of an OpenAPI 3.0 document that the docs page reads. */
export interface JsonSchema {
	type?: string;
	format?: string;
	description?: string;
	properties?: Record<string, JsonSchema>;
	required?: string[];
	items?: JsonSchema;
	anyOf?: JsonSchema[];
	oneOf?: JsonSchema[];
	allOf?: JsonSchema[];
	enum?: unknown[];
	nullable?: boolean;
	default?: unknown;
	minLength?: number;
	maxLength?: number;
	minimum?: number;
	maximum?: number;
	exclusiveMinimum?: number | boolean;
	exclusiveMaximum?: number | boolean;
	minItems?: number;
	maxItems?: number;
	pattern?: string;
	additionalProperties?: boolean | JsonSchema;
}

export interface Parameter {
	name: string;
	in: 'path' | 'query' | 'header' | 'cookie';
	required?: boolean;
	description?: string;
	schema?: JsonSchema;
}

export interface MediaContent {
	content?: Record<string, { schema?: JsonSchema }>;
	description?: string;
	required?: boolean;
}

export interface Operation {
	summary?: string;
	description?: string;
	tags?: string[];
	security?: Record<string, string[]>[];
	parameters?: Parameter[];
	requestBody?: MediaContent;
	responses?: Record<string, MediaContent>;
}

export interface OpenApiDocument {
	openapi: string;
	info: { title: string; version: string; description?: string };
	servers?: { url: string }[];
	components?: {
		securitySchemes?: Record<string, { type: string; in?: string; name?: string }>;
	};
	paths: Record<string, Record<string, Operation>>;
}

export const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type Method = (typeof methods)[number];

export interface OperationView {
	id: string;
	method: Method;
	path: string;
	operation: Operation;
	requiresUser: boolean;
}

export interface TagGroup {
	tag: string;
	id: string;
	operations: OperationView[];
}

const methodOrder: Record<Method, number> = { get: 0, post: 1, put: 2, patch: 3, delete: 4 };

export const slug = (text: string) =>
	text
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');

/** Operations grouped by their first tag, groups in first-seen order, sorted by path. */
export function groupByTag(document: OpenApiDocument): TagGroup[] {
	const groups = new Map<string, OperationView[]>();
	for (const [path, item] of Object.entries(document.paths)) {
		for (const method of methods) {
			const operation = item[method];
			if (!operation) continue;
			const tag = operation.tags?.[0] ?? 'Other';
			const list = groups.get(tag) ?? [];
			list.push({
				id: `${method}-${slug(path)}`,
				method,
				path,
				operation,
				requiresUser: (operation.security ?? []).length > 0
			});
			groups.set(tag, list);
		}
	}
	return [...groups].map(([tag, operations]) => ({
		tag,
		id: `tag-${slug(tag)}`,
		operations: operations.sort(
			(a, b) => a.path.localeCompare(b.path) || methodOrder[a.method] - methodOrder[b.method]
		)
	}));
}

/** The JSON schema of a request body or response, if it has one. */
export function jsonSchemaOf(media: MediaContent | undefined): JsonSchema | undefined {
	return media?.content?.['application/json']?.schema;
}
