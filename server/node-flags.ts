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
 * Environment the server process starts with (read by the C library and by Node before any code
 * runs; docs/ARCHITECTURE.md, "Server memory").
 */
export const SERVER_ENV: Readonly<Record<string, string>> = {
	// glibc gives each thread that allocates its own malloc arena of up to 64 MB and rarely hands
	// their freed pages back: the database thread, V8's compiler and collector threads and libuv's
	// pool each kept one mostly empty. One arena is shared by all threads instead: with two, the
	// second (most likely the embedded database thread's) stayed full at 64 MB; with one, the
	// server on PGlite held 402 MB at 1,000 members instead of 480, with the same p99 and CPU per
	// message, and the server on Postgres was unchanged.
	MALLOC_ARENA_MAX: '1',
	// Blocks of 64 KiB and more (socket reads, query results, documents' encoded states) are
	// mapped on their own and returned to the system when freed. By default glibc raises that
	// threshold to the largest block freed so far (up to 32 MB), after which such blocks come
	// from the one arena, and a burst of them (1,000 people connecting at once) leaves it 35 MB
	// larger for good, its free pages stuck between live ones.
	MALLOC_MMAP_THRESHOLD_: '65536',
	// Free memory at the arena's top goes back to the system past 64 KiB instead of 128 KiB, and
	// setting it keeps glibc from raising it with the threshold above.
	MALLOC_TRIM_THRESHOLD_: '65536',
	// Node keeps each TypeScript module's type-stripped source, and V8's code for it, in this
	// folder (relative to the working directory). Without it every start strips the server's
	// 400 modules again through amaro, a WebAssembly build of swc that then stays loaded for the
	// process's life: 17 MB on the main thread and 12 MB on each worker thread that runs a `.ts`
	// entry. `npm run build` fills it (server/warm-compile-cache.ts), so the first start is lean too.
	NODE_COMPILE_CACHE: '.cache/node-compile'
};
