import type { z } from 'zod';
import { ApiError } from '$lib/client/api.ts';
import { fieldIssues } from '$lib/shared/api/contract.ts';

export interface Issue {
	path: string;
	message: string;
}

/** The validation issues the API sends in `details.issues` (empty when there are none). */
export function issuesOf(details: unknown): Issue[] {
	if (typeof details !== 'object' || details === null || !('issues' in details)) return [];
	const issues = (details as { issues: unknown }).issues;
	if (!Array.isArray(issues)) return [];
	return issues.filter(
		(issue): issue is Issue =>
			typeof issue === 'object' &&
			issue !== null &&
			typeof issue.path === 'string' &&
			typeof issue.message === 'string'
	);
}

/** `details.retryAfterSeconds` of a RATE_LIMITED answer, if any. */
export function retryAfterOf(details: unknown): number | null {
	if (typeof details !== 'object' || details === null) return null;
	const value = (details as { retryAfterSeconds?: unknown }).retryAfterSeconds;
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * The wait a RATE_LIMITED answer asks for, counting down: `seconds` is 0 once it is over, and
 * `text` says what is left ("12 seconds", "about 15 minutes").
 */
export class RetryCountdown {
	retryAt = $state<number | null>(null);
	now = $state(Date.now());
	readonly seconds = $derived(
		this.retryAt ? Math.max(0, Math.ceil((this.retryAt - this.now) / 1000)) : 0
	);
	readonly text = $derived(
		this.seconds >= 90
			? `about ${Math.round(this.seconds / 60)} minutes`
			: `${this.seconds} second${this.seconds === 1 ? '' : 's'}`
	);

	private readonly onOver: () => void;

	/** `onOver` runs when a wait is over (to take down the message that told of it). */
	constructor(onOver: () => void = () => {}) {
		this.onOver = onOver;
	}

	/** Starts from the answer's details (30 s when it names none); ticks until the wait is over. */
	start(details: unknown): void {
		this.now = Date.now();
		this.retryAt = this.now + (retryAfterOf(details) ?? 30) * 1000;
	}

	/** For a component's $effect: ticks while a wait runs; returns the cleanup. */
	tick(): (() => void) | undefined {
		if (!this.retryAt) return undefined;
		const interval = setInterval(() => {
			this.now = Date.now();
			if (this.retryAt && this.now >= this.retryAt) {
				this.retryAt = null;
				this.onOver();
			}
		}, 500);
		return () => clearInterval(interval);
	}
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/**
 * State of one form that talks to the API: submitting flag, one message for the whole form,
 * and an error per field (from the API's validation issues or set by the page).
 */
export class FormState<Field extends string = string> {
	submitting = $state(false);
	message = $state<string | null>(null);
	fieldErrors = $state<Partial<Record<Field, string>>>({});
	readonly fields: readonly Field[];

	constructor(fields: readonly Field[]) {
		this.fields = fields;
	}

	get hasFieldErrors(): boolean {
		return Object.values(this.fieldErrors).some(Boolean);
	}

	reset(): void {
		this.message = null;
		this.fieldErrors = {};
	}

	setField(field: Field, message: string | null): void {
		this.fieldErrors = { ...this.fieldErrors, [field]: message ?? undefined };
	}

	clearField(field: Field): void {
		if (this.fieldErrors[field]) this.setField(field, null);
	}

	/**
	 * Checks what the form will send with the operation's own schema, the check the server
	 * makes, so no rule is written twice: each field shows its first issue, an issue of no
	 * field becomes the form's message. True when there is nothing to show.
	 */
	validate(schema: z.ZodType, value: unknown): boolean {
		const issues = fieldIssues(schema, value);
		for (const [path, message] of Object.entries(issues)) {
			const field = this.fields.find((name) => name === path);
			if (field) this.setField(field, message);
			else this.message ??= message;
		}
		return Object.keys(issues).length === 0;
	}

	/**
	 * Runs the request. On an ApiError, spreads validation issues over the fields and sets the
	 * form message (the page can override it from the outcome). Other errors are rethrown.
	 */
	async run<T>(work: () => Promise<T>): Promise<Outcome<T>> {
		this.submitting = true;
		this.reset();
		try {
			return { ok: true, value: await work() };
		} catch (caught) {
			if (!(caught instanceof ApiError)) throw caught;
			this.absorb(caught);
			return { ok: false, error: caught };
		} finally {
			this.submitting = false;
		}
	}

	private absorb(error: ApiError): void {
		const errors: Partial<Record<Field, string>> = {};
		const unplaced: string[] = [];
		for (const issue of issuesOf(error.details)) {
			const field = this.fields.find((name) => name === issue.path);
			if (field && !errors[field]) errors[field] = issue.message;
			else if (!field) unplaced.push(issue.message);
		}
		this.fieldErrors = errors;
		const placed = Object.keys(errors).length > 0;
		this.message =
			(error.code === 'VALIDATION_FAILED' || error.code === 'INVALID_TEXT') && placed
				? (unplaced[0] ?? 'Please check the highlighted fields.')
				: error.message;
	}
}

/**
 * One action of a form or dialog that may fail: `busy` while it runs, `failure` what its last
 * failure says (null when it went through), so each form does not write the flag, the try and
 * the finally again.
 */
export class Action {
	busy = $state(false);
	failure = $state<string | null>(null);

	/** Runs `work`; what it throws becomes `failure` through `describe`. */
	async run(work: () => Promise<unknown>, describe: (caught: unknown) => string | null) {
		this.busy = true;
		this.failure = null;
		try {
			await work();
		} catch (caught) {
			this.failure = describe(caught);
		} finally {
			this.busy = false;
		}
	}
}

/**
 * What a form shows of a failed request: the API's validation issues by field path (with no
 * message of its own when there are some), else the API's message, else `fallback`.
 */
export function failureOf(
	caught: unknown,
	fallback: string
): { fieldErrors: Record<string, string>; message: string | null } {
	if (!(caught instanceof ApiError)) return { fieldErrors: {}, message: fallback };
	const issues = issuesOf(caught.details);
	return {
		fieldErrors: Object.fromEntries(issues.map((issue) => [issue.path, issue.message])),
		message: issues.length > 0 ? null : caught.message
	};
}
