/**
 * The page a person gets instead of a screen while the server cannot reach its database
 * (hooks.server.ts answers 503 with it). It is written out here, not rendered by SvelteKit,
 * because rendering a page needs the session, which needs the database. It reloads itself after
 * Retry-After; its one <style> is allowed by hash in the Content-Security-Policy
 * (content-security-policy.js), and it follows the system's light or dark scheme.
 */
export const reconnectingPageStyle = `
:root{color-scheme:light dark;--bg:#f6f7fb;--surface:#fff;--border:#dfe3ee;--text:#1b2130;--muted:#5b6478;--accent:#4f46e5}
@media (prefers-color-scheme:dark){:root{--bg:#0f1117;--surface:#171a23;--border:#2e3447;--text:#e8eaf1;--muted:#a3abbe;--accent:#818cf8}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;padding:24px;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:420px;width:100%;padding:32px 28px;background:var(--surface);border:1px solid var(--border);border-radius:16px;text-align:center;box-shadow:0 8px 30px rgb(0 0 0/.06)}
.spinner{width:36px;height:36px;margin:0 auto 18px;border-radius:50%;border:3px solid var(--border);border-top-color:var(--accent);animation:spin 1s linear infinite}
@keyframes spin{to{transform:rotate(1turn)}}
@media (prefers-reduced-motion:reduce){.spinner{animation:none}}
h1{margin:0 0 8px;font-size:22px}
p{margin:0;color:var(--muted)}
`;

/** @param {number} retryAfterSeconds */
export function reconnectingPage(retryAfterSeconds) {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reconnecting · ConnectFlow</title><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="${retryAfterSeconds}"><style>${reconnectingPageStyle}</style></head><body><main role="status" data-testid="reconnecting"><div class="spinner" aria-hidden="true"></div><h1>Reconnecting…</h1><p>ConnectFlow cannot reach its database right now. This page tries again by itself.</p></main></body></html>`;
}
