/**
 * Operations whose request is not idempotent within a run (a DATEV period export claims its
 * bookings, an unmerge undoes the latest merge) send each distinct request once: the items
 * asking for the same thing share one request and one output item, paired with all of them.
 */
import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
} from 'n8n-workflow';

import { errorItemOrThrow } from './outputs';

/** What one request gives: an output item before it is paired. */
export interface UnpairedItem {
	json: IDataObject;
	binary?: IBinaryKeyData;
}

/** One request the node sends, and the input items that ask for it. */
export interface DistinctRequest {
	body: IDataObject;
	itemIndexes: number[];
}

export function pairedWith(request: DistinctRequest): IPairedItemData | IPairedItemData[] {
	const paired = request.itemIndexes.map((item) => ({ item }));
	return paired.length === 1 ? paired[0] : paired;
}

/**
 * Builds each item's request body, sends every distinct body once through `produce`, and
 * outputs what it answers (nothing for `undefined`), paired with the items that asked. A
 * failure stops the workflow naming the first such item, or becomes an error item when the
 * node continues on fail.
 */
export async function outputPerDistinctRequest(
	this: IExecuteFunctions,
	requestBodyOf: (itemIndex: number) => IDataObject,
	produce: (request: DistinctRequest) => Promise<UnpairedItem | undefined>,
): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	const requests = new Map<string, DistinctRequest>();
	const itemCount = this.getInputData().length;
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		let body: IDataObject;
		try {
			body = requestBodyOf(itemIndex);
		} catch (caught) {
			output.push(errorItemOrThrow.call(this, caught, itemIndex));
			continue;
		}
		const key = JSON.stringify(body);
		const request = requests.get(key) ?? { body, itemIndexes: [] };
		request.itemIndexes.push(itemIndex);
		requests.set(key, request);
	}
	for (const request of requests.values()) {
		try {
			const item = await produce(request);
			if (item) output.push({ ...item, pairedItem: pairedWith(request) });
		} catch (caught) {
			output.push(errorItemOrThrow.call(this, caught, request.itemIndexes[0], pairedWith(request)));
		}
	}
	return [output];
}
