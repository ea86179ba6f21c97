/**
 * A small OpenAI-compatible chat-completions server for the summarizer's tests, in a process of
 * its own on a loopback port. What it answers depends on the model asked for:
 * - `good`: a summary as JSON, as a model following the instructions would write it;
 * - `fenced`: the same wrapped in a ```json fence, as chat models often do;
 * - `slow`: answers after 10 s (past the client's timeout);
 * - `garbage`: prose instead of JSON;
 * - `wrong-shape`: JSON without the fields asked for;
 * - `error`: HTTP 500.
 * Every request it receives is written to stdout as a JSON line (headers and body).
 */
import http from 'node:http';

const good = {
	keyPoints: ['SSO has two customers waiting; the CSV export is nearly done.'],
	decisions: ['SSO goes first this sprint; dashboard polish moves to sprint 43.'],
	actionItems: [
		{ text: 'Review the SAML parser', owner: 'Tom Okafor', due: null },
		{ text: 'Finish the CSV export streaming', owner: 'Raj', due: 'Thursday' },
		{ text: 'Book the demo room', owner: 'Someone Else', due: null }
	],
	openQuestions: ['Is the staging certificate renewal automated now?']
};

function completion(model: string, content: string) {
	return {
		id: 'chatcmpl-test',
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }]
	};
}

const server = http.createServer((request, response) => {
	let body = '';
	request.on('data', (chunk: Buffer) => (body += chunk.toString()));
	request.on('end', () => {
		const parsed = JSON.parse(body || '{}') as { model?: string };
		process.stdout.write(
			JSON.stringify({
				method: request.method,
				url: request.url,
				headers: request.headers,
				body: parsed
			}) + '\n'
		);
		const model = parsed.model ?? '';
		const send = (status: number, value: unknown) => {
			response.writeHead(status, { 'content-type': 'application/json' });
			response.end(JSON.stringify(value));
		};
		if (request.url !== '/v1/chat/completions') return send(404, { error: 'not found' });
		if (request.headers.authorization !== 'Bearer test-key') return send(401, { error: 'key' });
		switch (model) {
			case 'good':
				return send(200, completion(model, JSON.stringify(good)));
			case 'fenced':
				return send(200, completion(model, '```json\n' + JSON.stringify(good) + '\n```'));
			case 'slow': {
				const timer = setTimeout(() => send(200, completion(model, JSON.stringify(good))), 10_000);
				response.on('close', () => clearTimeout(timer));
				return;
			}
			case 'garbage':
				return send(200, completion(model, 'Sure! Here is a summary: the team talked about SSO.'));
			case 'wrong-shape':
				return send(200, completion(model, JSON.stringify({ summary: 'SSO first' })));
			default:
				return send(500, { error: { message: 'internal error' } });
		}
	});
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
	const address = server.address();
	process.stdout.write(
		JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }) + '\n'
	);
});
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
