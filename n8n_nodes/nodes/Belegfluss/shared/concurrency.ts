/** Running a node's requests a few at a time, without a runtime dependency. */

/**
 * Calls `work` for every entry, at most `limit` at once, and answers the results in entry order.
 * The first failure rejects, as `Promise.all` does; calls already started still finish.
 */
export async function mapConcurrently<T, R>(
	entries: readonly T[],
	limit: number,
	work: (entry: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(entries.length);
	let next = 0;
	async function lane(): Promise<void> {
		while (next < entries.length) {
			const index = next++;
			results[index] = await work(entries[index], index);
		}
	}
	const lanes = Math.max(1, Math.min(limit, entries.length));
	await Promise.all(Array.from({ length: lanes }, lane));
	return results;
}
