/// <reference lib="webworker" />
import { SearchEngine, type EngineRequest } from './search-engine.ts';

/**
 * The search worker: the local index and its persistence off the page's thread. Messages are
 * `{ id, request }`; every answer is `{ id, result }` or `{ id, error }`.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const engine = new SearchEngine();

scope.onmessage = (event: MessageEvent<{ id: number; request: EngineRequest }>) => {
	const { id, request } = event.data;
	engine.handle(request).then(
		(result) => {
			scope.postMessage({ id, result });
			if (request.type === 'close') scope.close();
		},
		(error: unknown) =>
			scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) })
	);
};
