/** Checks every `everyMs` until `check` holds; throws, naming `what`, once `ms` have passed. */
export async function until(
	check: () => Promise<boolean>,
	what: string,
	ms = 30_000,
	everyMs = 200
): Promise<void> {
	const deadline = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, everyMs));
	}
}
