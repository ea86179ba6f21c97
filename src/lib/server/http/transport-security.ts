/**
 * HTTP Strict Transport Security: once a browser has seen this over https, it uses https for the
 * host (and its subdomains) for two years, even when given an http:// link, so a network in
 * between cannot strip TLS from a later visit. Sent only when the app is reached over https
 * (ORIGIN https://…, or a trusted proxy's X-Forwarded-Proto: https): browsers ignore it over plain
 * http, and a local http install must stay reachable. Caddy (deploy/Caddyfile) sends the same.
 */
export const STRICT_TRANSPORT_SECURITY = 'max-age=63072000; includeSubDomains';

/** The Strict-Transport-Security value for an answer to `url`, or null over plain http. */
export function strictTransportSecurity(url: URL): string | null {
	return url.protocol === 'https:' ? STRICT_TRANSPORT_SECURITY : null;
}
