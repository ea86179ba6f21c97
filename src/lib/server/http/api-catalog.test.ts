import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiContracts } from '#shared/api/catalog.ts';
import type { ApiContract } from '#shared/api/contract.ts';
import { apiOperations } from './api-catalog.ts';
import type { Operation } from './endpoint.ts';
import { resolveRoute } from './dispatch.ts';

/**
 * The shared catalogue and the server agree: every contract has its operation, nothing else is
 * answered, paths are unambiguous and name their parameters, and the dispatcher finds each
 * operation by its own path.
 */
const contracts = Object.entries(apiContracts) as [string, ApiContract][];
const operations = apiOperations as Record<string, Operation>;

describe('the API catalogue', () => {
	it('has exactly one server operation per contract, answering that contract', () => {
		expect(Object.keys(operations).sort()).toEqual(Object.keys(apiContracts).sort());
		for (const [name, contract] of contracts) expect(operations[name]!.contract).toBe(contract);
	});

	it('has one operation per method and path, each path under /api with its parameters', () => {
		const seen = new Set<string>();
		for (const [name, contract] of contracts) {
			const shape = contract.path.replace(/\{\w+\}/g, '{}');
			expect(seen.has(`${contract.method} ${shape}`), name).toBe(false);
			seen.add(`${contract.method} ${shape}`);
			expect(contract.path, name).toMatch(/^\/api(\/([a-z-]+|\{\w+\}))+$/);
			const inPath = [...contract.path.matchAll(/\{(\w+)\}/g)].map((found) => found[1]).sort();
			const declared =
				contract.params instanceof z.ZodObject ? Object.keys(contract.params.shape).sort() : [];
			expect(inPath, name).toEqual(declared);
		}
	});

	it('routes each operation by its own path, and nothing else', () => {
		const id = '00000000-0000-4000-8000-000000000000';
		for (const [name, contract] of contracts) {
			const path = contract.path.replace(/\{(\w+)\}/g, id);
			const found = resolveRoute(contract.method, path);
			expect(found.kind === 'operation' && found.operation.contract, name).toBe(contract);
			if (found.kind === 'operation') {
				expect(Object.keys(found.params).sort(), name).toEqual(
					[...contract.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort()
				);
			}
		}
		expect(resolveRoute('HEAD', '/api/me')).toMatchObject({ kind: 'operation' });
		expect(resolveRoute('PUT', '/api/people')).toEqual({ kind: 'other-methods', allowed: ['GET'] });
		expect(resolveRoute('GET', '/api/join-code/rotate')).toEqual({
			kind: 'other-methods',
			allowed: ['POST']
		});
		expect(resolveRoute('GET', '/api/does-not-exist')).toEqual({ kind: 'none' });
		expect(resolveRoute('GET', '/api/channels/a/b/c/d')).toEqual({ kind: 'none' });
		expect(resolveRoute('GET', '/api/channels/%E0%A4%A')).toEqual({ kind: 'none' });
		const encoded = resolveRoute('PATCH', '/api/teams/a%2Fb');
		expect(encoded.kind === 'operation' && encoded.params).toEqual({ id: 'a/b' });
	});
});
