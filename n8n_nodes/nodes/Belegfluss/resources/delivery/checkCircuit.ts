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
import { answerFields, routeOutcomes } from '../../shared/outputs';
import { callSidecarInBatches } from '../../shared/transport';
import { readTarget, targetField, withDeliveryNotes } from './target';

const show = showFor('delivery', 'checkCircuit');

const ALLOWED_OUTPUT = 0;
const PARKED_OUTPUT = 1;

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const outcomes = await callSidecarInBatches.call(this, {
		path: '/v1/delivery/check',
		items: items.map((_item, itemIndex) => ({ target: readTarget.call(this, itemIndex) })),
		batchSize: options.batchSize,
		limits: options.limits,
	});
	return routeOutcomes.call(
		this,
		items,
		outcomes,
		2,
		(answer, input) => ({
			output: answer.allowed === true ? ALLOWED_OUTPUT : PARKED_OUTPUT,
			json: withDeliveryNotes(input, answerFields(answer)),
		}),
		// A refused item has no usable target: a setup mistake, not a delivery to park.
		'errorItem',
	);
}

export const checkCircuitDescription: INodeProperties[] = [
	targetField(show),
	optionsCollection(show, [batchSizeOption, maxAttemptsOption, maxRetryTimeOption]),
];

export const checkCircuitOperation: Operation = {
	outputs: ['Allowed', 'Parked'],
	execute,
};
