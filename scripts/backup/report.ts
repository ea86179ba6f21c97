/**
 * Ends a backup script: the lines `work` answers on stdout and exit code 0, or
 * `<what> failed: <message>` on stderr and exit code 1.
 */
export async function reportAndExit(
	what: 'Backup' | 'Restore',
	work: () => Promise<string[]>
): Promise<never> {
	try {
		const lines = await work();
		process.stdout.write(lines.map((line) => `${line}\n`).join(''));
		process.exit(0);
	} catch (error) {
		process.stderr.write(`${what} failed: ${(error as Error).message}\n`);
		process.exit(1);
	}
}
