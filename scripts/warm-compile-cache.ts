import { fillCompileCache } from '../server/compile-cache.ts';

/** `npm run build`'s last step: the server's compile cache for this folder (server/compile-cache.ts). */
fillCompileCache(process.cwd());
