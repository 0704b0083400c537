import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { outputPerDistinctRequest } from '../../shared/distinct';
import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import {
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { callSidecar } from '../../shared/transport';
import { goldenIdField, readGoldenId } from './goldenId';

const show = showFor('customer', 'unmerge');

function requestBodyOf(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const mergeId = Number(this.getNodeParameter('mergeId', itemIndex, 0) ?? 0);
	return {
		golden_id: readGoldenId.call(this, itemIndex),
		...(Number.isInteger(mergeId) && mergeId > 0 ? { merge_id: mergeId } : {}),
	};
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { limits } = readOptions.call(this);
	// Unmerging "the latest merge" twice would undo a second, older merge: items asking for the
	// same unmerge share one request.
	return await outputPerDistinctRequest.call(
		this,
		(itemIndex) => requestBodyOf.call(this, itemIndex),
		async ({ body, itemIndexes }) => {
			const { golden_id: goldenId, ...unmergeBody } = body;
			const path = `/v1/customers/${encodeURIComponent(String(goldenId))}/unmerge`;
			const json = await callSidecar.call(
				this,
				{ method: 'POST', path, body: unmergeBody },
				limits,
				itemIndexes[0],
			);
			return { json };
		},
	);
}

export const unmergeDescription: INodeProperties[] = [
	goldenIdField(show, 'The golden customer to split'),
	{
		displayName: 'Merge ID',
		name: 'mergeId',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			"The merge to undo, from the customer's history (Customer → Get). 0 undoes the latest merge.",
		displayOptions: { show },
	},
	optionsCollection(show, [maxAttemptsOption, maxRetryTimeOption]),
];

export const unmergeOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
