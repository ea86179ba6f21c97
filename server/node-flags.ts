/**
 * The V8 flags the server process runs with (docs/ARCHITECTURE.md, "Server memory"). They must be
 * on node's command line: V8 sizes its heap and picks its WebAssembly compilers as it starts, and
 * ignores them when set later. The Dockerfile's CMD, `npm start`, `npm run start:built` and the
 * benchmark start the server with them and with SERVER_ENV (node-flags.test.ts checks the
 * Dockerfile and package.json); server/main.ts logs a warning when they are missing.
 */
export const SERVER_NODE_FLAGS: readonly string[] = [
	// The young generation, where each message's short-lived objects are born. Under a steady
	// stream of messages V8 grows each of its two semi-spaces to 64 MB (128 MB resident); at 8 MB
	// a scavenge runs more often and costs the same per surviving object (scenario 1's CPU per
	// message and p99 unchanged against 16 MB, 16-36 MB less resident).
	'--max-semi-space-size=8',
	// The old generation's next collection comes when the heap has grown by half of what survived
	// the last one. V8's own factor goes up to 4x for a heap that collects fast, which lets a
	// server at 60 MB of live objects sit at 250 MB between collections; most of a marking runs
	// on another thread, so the main thread pays little for collecting more often.
	'--heap-growing-percent=50',
	// The embedded PGlite's WebAssembly (Postgres) compiled by the baseline compiler only. By
	// default V8 recompiles its hottest functions with the optimizing compiler in the background:
	// for Postgres's largest functions that compilation takes several hundred MB for a moment,
	// and the allocator keeps most of it. Without it each query costs ~15% more CPU in PGlite;
	// real Postgres and the JavaScript are not affected.
	'--liftoff-only'
];

/** The flags of SERVER_NODE_FLAGS, and settings of SERVER_ENV, this process was started without. */
export function missingServerFlags(
	execArgv: readonly string[] = process.execArgv,
	env: Readonly<Record<string, string | undefined>> = process.env
): string[] {
	return [
		...SERVER_NODE_FLAGS.filter((flag) => !execArgv.includes(flag)),
		...Object.entries(SERVER_ENV)
			.filter(([name, value]) => env[name] !== value)
			.map(([name, value]) => `${name}=${value}`)
	];
}

/**
 * Environment the server process starts with (read by the C library before any code runs).
 * glibc gives each thread that allocates its own malloc arena of up to 64 MB and rarely hands
 * their freed pages back: the database thread, V8's compiler and collector threads and libuv's
 * pool each kept one mostly empty. One arena is shared by all threads instead: with two, the
 * second (most likely the embedded database thread's) stayed full at 64 MB; with one, the server
 * on PGlite held 402 MB at 1,000 members instead of 480, with the same p99 and CPU per message,
 * and the server on Postgres was unchanged (285 against 276 MB, the spread between runs).
 */
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };
