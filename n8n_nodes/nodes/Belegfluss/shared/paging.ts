/**
 * Listing endpoints (`{"<list>": [...], "total": n}` with `limit` and `offset`) read page by page,
 * and the "Return All" / "Limit" fields n8n users expect on a list operation.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { readOptions } from './options';
import { outputPerItem } from './outputs';
import type { RetryLimits } from './retry';
import { callSidecar } from './transport';

const PAGE_SIZE = 100;

export interface ListRequest {
	path: string;
	/** The answer's field that holds the page, e.g. `tickets`. */
	listKey: string;
	/** Filters sent as query parameters with every page. */
	filters: IDataObject;
	/** Entries wanted; `undefined` for all. */
	limit: number | undefined;
	limits: RetryLimits;
	itemIndex: number;
}

/** Fetches pages until `limit` entries (or, without a limit, all) are there. */
export async function listAll(
	this: IExecuteFunctions,
	request: ListRequest,
): Promise<IDataObject[]> {
	const entries: IDataObject[] = [];
	for (;;) {
		const remaining = request.limit === undefined ? PAGE_SIZE : request.limit - entries.length;
		const page = await callSidecar.call(
			this,
			{
				method: 'GET',
				path: request.path,
				qs: { ...request.filters, limit: Math.min(PAGE_SIZE, remaining), offset: entries.length },
			},
			request.limits,
			request.itemIndex,
		);
		const pageEntries = Array.isArray(page[request.listKey])
			? (page[request.listKey] as IDataObject[])
			: [];
		entries.push(...pageEntries);
		const total = Number(page.total ?? entries.length);
		const enough = request.limit !== undefined && entries.length >= request.limit;
		if (pageEntries.length === 0 || entries.length >= total || enough) return entries;
	}
}

/** The `limit` an item asks for: `undefined` with "Return All". */
export function readLimit(this: IExecuteFunctions, itemIndex: number): number | undefined {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	return returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
}

/** "Return All" and "Limit", shown for one list operation. */
export function returnAllAndLimitFields(show: {
	resource: string[];
	operation: string[];
}): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}

/**
 * The execute of a list operation: for each input item, the entries its "Filters", "Return
 * All" and "Limit" ask for, one output item per entry.
 */
export function listExecute(path: string, listKey: string) {
	return async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { limits } = readOptions.call(this);
		return await outputPerItem.call(this, async (itemIndex) => {
			const entries = await listAll.call(this, {
				path,
				listKey,
				filters: this.getNodeParameter('filters', itemIndex, {}) as IDataObject,
				limit: readLimit.call(this, itemIndex),
				limits,
				itemIndex,
			});
			return entries.map((entry) => ({ json: entry, pairedItem: { item: itemIndex } }));
		});
	};
}
