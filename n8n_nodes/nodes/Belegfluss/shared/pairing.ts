import type { IPairedItemData } from 'n8n-workflow';

/** The input items an aggregate output item came from, each once, in input order. */
export function pairedItems(indexes: Iterable<number>): IPairedItemData[] {
	return [...new Set(indexes)].sort((a, b) => a - b).map((item) => ({ item }));
}
