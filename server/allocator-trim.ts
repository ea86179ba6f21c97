import koffi, { type LibraryHandle } from 'koffi';

/**
 * How often the C allocator's free pages are handed back (docs/ARCHITECTURE.md, "Server
 * memory"). A trim of the server's ~100 MB arena takes a few milliseconds on a thread of
 * libuv's pool; what it hands back grows again within seconds of a burst (1,000 people
 * connecting), and that burst's pages are back within this.
 */
export const TRIM_INTERVAL_MS = 10_000;

/** glibc's malloc_trim(pad), called on libuv's pool so that the event loop does not wait for it. */
type MallocTrim = (pad: number) => Promise<boolean>;

/**
 * malloc_trim from the process's C library, or null where there is none (musl, macOS): koffi
 * calls it without a native addon of our own to build.
 */
export function loadMallocTrim(): MallocTrim | null {
	let trim: ReturnType<LibraryHandle['func']>;
	try {
		trim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)');
	} catch {
		return null;
	}
	return (pad) =>
		new Promise((resolve, reject) =>
			trim.async(pad, (error: unknown, released: number) =>
				error
					? reject(error instanceof Error ? error : new Error(String(error)))
					: resolve(released === 1)
			)
		);
}

/**
 * Hands the C allocator's free pages back to the system every TRIM_INTERVAL_MS.
 *
 * Why: glibc returns a freed block's pages only when it is mapped on its own (64 KiB and more,
 * SERVER_ENV) or sits at the top of the arena. Everything smaller (socket and WebSocket buffers,
 * query results, documents' encodings, the embedded database thread's and V8's own
 * allocations) lives in one arena, and after a burst its free blocks sit between live ones:
 * resident for good. On PGlite at 1,000 members 40 MB of the server's 347 MB were such free
 * pages (a trim through a debugger took it to 307 MB); which runs kept them and which did not
 * was most of the difference between 296 and 340 MB from one benchmark run to the next.
 */
export class AllocatorTrimmer {
	private readonly trim: MallocTrim;
	private readonly intervalMs: number;
	private timer: NodeJS.Timeout | null = null;
	private running = false;

	constructor(trim: MallocTrim, intervalMs = TRIM_INTERVAL_MS) {
		this.trim = trim;
		this.intervalMs = intervalMs;
	}

	start(): void {
		if (this.timer) return;
		this.timer = setInterval(() => void this.trimNow(), this.intervalMs);
		this.timer.unref();
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
	}

	/** One trim, unless one is running; resolves whether it handed pages back. */
	async trimNow(): Promise<boolean> {
		if (this.running) return false;
		this.running = true;
		try {
			return await this.trim(0);
		} catch {
			// The allocator's own call does not fail; a failure of the call's thread costs a round.
			return false;
		} finally {
			this.running = false;
		}
	}
}
