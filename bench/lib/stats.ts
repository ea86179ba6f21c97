/** Latency samples gathered from every load process, and their percentiles. */
export class Latencies {
	private chunks: Float64Array[] = [];
	private sorted: Float64Array | null = null;

	add(values: Float64Array): void {
		this.chunks.push(values);
		this.sorted = null;
	}

	get count(): number {
		return this.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
	}

	private all(): Float64Array {
		if (this.sorted) return this.sorted;
		const all = new Float64Array(this.count);
		let offset = 0;
		for (const chunk of this.chunks) {
			all.set(chunk, offset);
			offset += chunk.length;
		}
		this.sorted = all.sort();
		return all;
	}

	percentile(p: number): number | null {
		const all = this.all();
		if (all.length === 0) return null;
		const index = Math.min(all.length - 1, Math.max(0, Math.ceil((p / 100) * all.length) - 1));
		return round2(all[index]!);
	}

	max(): number | null {
		const all = this.all();
		return all.length === 0 ? null : round2(all[all.length - 1]!);
	}
}

/** A growable array of doubles (a worker may see hundreds of thousands of deliveries). */
export class DoubleBuffer {
	private buffer = new Float64Array(1024);
	length = 0;

	push(value: number): void {
		if (this.length === this.buffer.length) {
			const next = new Float64Array(this.buffer.length * 2);
			next.set(this.buffer);
			this.buffer = next;
		}
		this.buffer[this.length++] = value;
	}

	take(): Float64Array {
		const values = this.buffer.slice(0, this.length);
		this.length = 0;
		return values;
	}
}

export function round2(value: number): number {
	return Math.round(value * 100) / 100;
}

/** Monotonic milliseconds, the same clock in every process of this machine. */
export function monotonicMs(): number {
	return Number(process.hrtime.bigint()) / 1e6;
}
