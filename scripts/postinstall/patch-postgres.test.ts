import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MARK, TYPES_MARK, patched } from './patch-postgres.js';

const flavours = ['src', 'cjs/src', 'cf/src'].map(
	(flavour) => `node_modules/postgres/${flavour}/connection.js`
);

describe('the postgres.js nextWrite fix (scripts/postinstall/patch-postgres.js)', () => {
	it('is in every flavour of the installed driver (npm install ran it)', () => {
		const missing = flavours.filter((file) => {
			const source = fs.readFileSync(file, 'utf8');
			return !source.includes(MARK) || !source.includes(TYPES_MARK);
		});
		expect(missing, 'run `npm install` (its postinstall applies the fix)').toEqual([]);
	});

	it('guards the deferred write and resets the timer on both teardowns, once', () => {
		const original = [
			'  function nextWrite(fn) {',
			'    const x = socket.write(chunk, fn)',
			'  }',
			'  function terminate() {',
			'    clearImmediate(nextWriteTimer)',
			'  }',
			'  async function closed(hadError) {',
			'    clearImmediate(nextWriteTimer)',
			'  }',
			'      if (needsTypes) {',
			'        return fetchArrayTypes()',
			'      }',
			''
		].join('\n');
		const once = patched(original)!;
		expect(once).toContain(`${MARK}\n    if (!socket) {`);
		expect(once.match(/nextWriteTimer = null\n/g)).toHaveLength(3);
		expect(once).toContain(`return fetchArrayTypes().catch(() => { ${TYPES_MARK}`);
		expect(patched(once)).toBe(once);
		expect(patched('something else')).toBeNull();
	});
});
