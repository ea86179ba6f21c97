import { z } from 'zod';

/**
 * Zod compiles object parsers with `new Function` when it may, and probes whether it may by
 * calling it: under our Content-Security-Policy (no 'unsafe-eval') that probe is reported as a
 * violation on every page. Jitless parsing is what it falls back to anyway.
 */
z.config({ jitless: true });
