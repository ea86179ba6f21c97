/** http_ece (web-push's encryption library, RFC 8188) has no types of its own; what the tests use. */
declare module 'http_ece' {
	import type { ECDH } from 'node:crypto';
	interface Params {
		version: 'aes128gcm' | 'aesgcm';
		privateKey?: ECDH;
		dh?: string | Buffer;
		authSecret?: string | Buffer;
	}
	const ece: {
		decrypt(buffer: Buffer, params: Params): Buffer;
		encrypt(buffer: Buffer, params: Params): Buffer;
	};
	export default ece;
}
