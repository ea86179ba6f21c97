import http from 'node:http';
import { Hocuspocus } from '@hocuspocus/server';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * The baseline: a plain Hocuspocus 4 server, served the way ConnectFlow serves it (a `ws`
 * server on the HTTP server's upgrade event, events forwarded by hand), with no
 * authentication, no validation and no persistence. Same clients, same document names.
 */
const port = Number(process.env.PORT ?? 0);
// Its clients publish no awareness and send no keep-alive (the product's repeat their status on
// the presence document, which the bare server does not have): idle ones must not be dropped
// for silence (nor do they drop the server, see load-worker.ts).
const hocuspocus = new Hocuspocus({ name: 'bare', quiet: true, timeout: 10 * 60_000 });
const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

function connect(websocket: WebSocket, request: http.IncomingMessage): void {
	const headers = new Headers();
	for (const [key, value] of Object.entries(request.headers)) {
		if (typeof value === 'string') headers.set(key, value);
	}
	const connection = hocuspocus.handleConnection(
		websocket,
		new Request(new URL(request.url ?? '/', 'http://127.0.0.1'), { headers })
	);
	websocket.on('message', (data: Buffer) => connection.handleMessage(new Uint8Array(data)));
	websocket.on('close', (code: number, reason: Buffer) =>
		connection.handleClose({ code, reason: reason.toString() })
	);
	websocket.on('error', () => websocket.terminate());
}

const server = http.createServer((_request, response) => response.writeHead(404).end());
server.on('upgrade', (request, socket, head) => {
	sockets.handleUpgrade(request, socket, head, (websocket) => connect(websocket, request));
});
server.listen(port, '127.0.0.1', () => console.log('ready'));
process.on('SIGTERM', () => process.exit(0));
