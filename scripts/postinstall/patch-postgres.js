// @ts-check
/**
 * Run by `npm install` (postinstall). postgres.js 3.4.9 (the latest) can crash the process when
 * the database goes away: a small write is deferred with setImmediate, the connection closes
 * before it runs (`socket = null`), and `nextWrite` then throws from the immediate, where no
 * caller can catch it (porsager/postgres#1154, #1208; the fix, #1209, is not released). The
 * teardown paths also leave `nextWriteTimer` set, so such a connection never writes again.
 * This applies that fix to the installed driver, idempotently: a closed connection's write
 * settles its query with CONNECTION_CLOSED instead of crashing, and teardown resets the timer.
 *
 * A second fault of the same kind: on a new connection the driver first asks for the array
 * types (`fetchArrayTypes`) from a message handler that nobody awaits, so when the connection
 * resets during that query its rejection is unhandled and ends the process (seen in CI while a
 * test took the database away). The connection's own close path already settles every query
 * waiting on it, so the fix only catches that rejection; the next connection asks again (`connected` resets
 * needsTypes).
 * Plain JavaScript, so that it runs with whatever Node runs npm.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MARK = '/* connectflow: nextWrite guard */';
export const TYPES_MARK = '/* connectflow: fetchArrayTypes guard */';
const typesCall = '        return fetchArrayTypes()\n';
// The handler keeps needsTypes false: a connection that stays open must not ask again and again.
const typesGuard = `        return fetchArrayTypes().catch(() => { ${TYPES_MARK} })\n`;

const guard = `function nextWrite(fn) {
    ${MARK}
    if (!socket) {
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
`;

/**
 * The driver's source with the fix, or null when it is not the code the fix is for.
 * @param {string} source
 * @returns {string | null}
 */
export function patched(source) {
	const withWriteGuard = patchedNextWrite(source);
	if (withWriteGuard === null) return null;
	if (withWriteGuard.includes(TYPES_MARK)) return withWriteGuard;
	if (withWriteGuard.split(typesCall).length !== 2) return null;
	return withWriteGuard.replace(typesCall, typesGuard);
}

/**
 * @param {string} source
 * @returns {string | null}
 */
function patchedNextWrite(source) {
	if (source.includes(MARK)) return source;
	const start = 'function nextWrite(fn) {\n';
	// The two teardown paths (terminate, closed): the call alone on its line.
	const teardown = /\n {4}clearImmediate\(nextWriteTimer\)\n/g;
	if (!source.includes(start) || (source.match(teardown) ?? []).length !== 2) return null;
	return source
		.replace(start, guard)
		.replace(teardown, '\n    clearImmediate(nextWriteTimer)\n    nextWriteTimer = null\n');
}

/** @param {string} base */
export function patchInstalledDriver(base = root) {
	/** @type {string[]} */
	const results = [];
	for (const flavour of ['src', 'cjs/src', 'cf/src']) {
		const file = path.join(base, 'node_modules/postgres', flavour, 'connection.js');
		if (!fs.existsSync(file)) continue;
		const source = fs.readFileSync(file, 'utf8');
		const next = patched(source);
		if (next === null) throw new Error(`${file}: not the postgres.js code the fix is for`);
		if (next !== source) fs.writeFileSync(file, next);
		results.push(file);
	}
	return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	patchInstalledDriver();
}
