/** Small formatting helpers shared by the admin pages. */

export const plural = (count: number, one: string, many = `${one}s`) =>
	`${count} ${count === 1 ? one : many}`;

/** The message of anything thrown: ApiError and Error carry one. */
export function messageOf(caught: unknown): string {
	if (caught instanceof Error && caught.message) return caught.message;
	return 'Something went wrong. Please try again.';
}
