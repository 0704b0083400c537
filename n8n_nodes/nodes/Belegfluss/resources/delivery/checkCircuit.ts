import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor } from '../../shared/operation';
import {
	batchSizeOption,
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { answerFields, splitByVerdict } from '../../shared/outputs';
import { callSidecarInBatches } from '../../shared/transport';
import { readTarget, targetField, withDeliveryNotes } from './target';

const show = showFor('delivery', 'checkCircuit');

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const outcomes = await callSidecarInBatches.call(this, {
		path: '/v1/delivery/check',
		items: items.map((_item, itemIndex) => ({ target: readTarget.call(this, itemIndex) })),
		batchSize: options.batchSize,
		limits: options.limits,
	});
	// A refused item has no usable target: a setup mistake (an error item), not a delivery to park.
	return splitByVerdict.call(this, items, outcomes, {
		passes: (answer) => answer.allowed === true,
		json: (answer, input) => withDeliveryNotes(input, answerFields(answer)),
	});
}

export const checkCircuitDescription: INodeProperties[] = [
	targetField(show),
	optionsCollection(show, [batchSizeOption, maxAttemptsOption, maxRetryTimeOption]),
];

export const checkCircuitOperation: Operation = {
	outputs: ['Allowed', 'Parked'],
	execute,
};
