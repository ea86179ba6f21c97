/**
 * TextRank over TF-IDF: each sentence is a vector of its key words weighted by TF-IDF (a word
 * every sentence has says little), sentences are joined by the cosine of their vectors, and
 * PageRank on that graph scores a sentence by how much of the discussion it echoes. `prior`
 * biases the random jump (personalised PageRank): decision and action wording start ahead.
 */
export function textRank(
	documents: readonly string[][],
	prior: readonly number[] = [],
	{ damping = 0.85, iterations = 50, tolerance = 1e-6 } = {}
): number[] {
	const count = documents.length;
	if (count === 0) return [];
	const frequency = new Map<string, number>();
	for (const words of documents)
		for (const word of new Set(words)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
	const vectors = documents.map((words) => {
		const termCounts = new Map<string, number>();
		for (const word of words) termCounts.set(word, (termCounts.get(word) ?? 0) + 1);
		const vector = new Map<string, number>();
		let norm = 0;
		for (const [word, termCount] of termCounts) {
			const weight = (1 + Math.log(termCount)) * (Math.log(count / frequency.get(word)!) + 1);
			vector.set(word, weight);
			norm += weight * weight;
		}
		norm = Math.sqrt(norm) || 1;
		for (const [word, weight] of vector) vector.set(word, weight / norm);
		return vector;
	});
	const edges: number[][] = vectors.map(() => new Array<number>(count).fill(0));
	for (let i = 0; i < count; i++) {
		for (let j = i + 1; j < count; j++) {
			const [small, large] =
				vectors[i]!.size < vectors[j]!.size
					? [vectors[i]!, vectors[j]!]
					: [vectors[j]!, vectors[i]!];
			let similarity = 0;
			for (const [word, weight] of small) similarity += weight * (large.get(word) ?? 0);
			edges[i]![j] = similarity;
			edges[j]![i] = similarity;
		}
	}
	const outWeight = edges.map((row) => row.reduce((sum, weight) => sum + weight, 0));
	const priorSum = prior.reduce((sum, value) => sum + value, 0);
	const jump = documents.map((_, i) => (priorSum > 0 ? (prior[i] ?? 0) / priorSum : 1 / count));
	let scores = new Array<number>(count).fill(1 / count);
	for (let round = 0; round < iterations; round++) {
		const next = jump.map((value) => (1 - damping) * value);
		let dangling = 0;
		for (let i = 0; i < count; i++) {
			if (outWeight[i] === 0) {
				dangling += scores[i]!;
				continue;
			}
			const share = scores[i]! / outWeight[i]!;
			const row = edges[i]!;
			for (let j = 0; j < count; j++) if (row[j]! > 0) next[j]! += damping * share * row[j]!;
		}
		// A sentence that shares no word with any other hands its score back through the jump.
		for (let j = 0; j < count; j++) next[j]! += damping * dangling * jump[j]!;
		const change = next.reduce((sum, value, i) => sum + Math.abs(value - scores[i]!), 0);
		scores = next;
		if (change < tolerance) break;
	}
	return scores;
}
