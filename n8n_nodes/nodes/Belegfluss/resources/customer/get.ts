import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import { maxAttemptsOption, maxRetryTimeOption, optionsCollection } from '../../shared/options';
import { lookupExecute } from '../../shared/lookup';
import { goldenIdField, readGoldenId } from './goldenId';

const show = showFor('customer', 'get');

export const getDescription: INodeProperties[] = [
	goldenIdField(show, 'The golden customer to read, with its linked records and merge history'),
	optionsCollection(show, [maxAttemptsOption, maxRetryTimeOption]),
];

export const getOperation: Operation = {
	outputs: SINGLE_OUTPUT,
	execute: lookupExecute(readGoldenId, (id) => `/v1/customers/${id}`),
};
