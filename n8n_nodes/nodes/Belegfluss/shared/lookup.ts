/**
 * Operations that read one thing by its ID for each item (a profile, a customer): items naming
 * the same ID share one request per run, and each item gets the answer.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { readOptions } from './options';
import { outputPerItem } from './outputs';
import { callSidecar } from './transport';

export function lookupExecute(
	readId: (this: IExecuteFunctions, itemIndex: number) => string,
	pathOf: (id: string) => string,
) {
	return async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { limits } = readOptions.call(this);
		const answers = new Map<string, Promise<IDataObject>>();
		return await outputPerItem.call(this, async (itemIndex) => {
			const id = readId.call(this, itemIndex);
			if (!answers.has(id)) {
				const request = { method: 'GET' as const, path: pathOf(encodeURIComponent(id)) };
				answers.set(id, callSidecar.call(this, request, limits, itemIndex));
			}
			const json = await (answers.get(id) as Promise<IDataObject>);
			return [{ json, pairedItem: { item: itemIndex } }];
		});
	};
}
