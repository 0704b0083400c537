import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import { maxAttemptsOption, maxRetryTimeOption, optionsCollection } from '../../shared/options';
import { listExecute, returnAllAndLimitFields } from '../../shared/paging';

const show = showFor('quarantine', 'list');

export const listDescription: INodeProperties[] = [
	...returnAllAndLimitFields(show),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Error Code',
				name: 'code',
				type: 'string',
				default: '',
				placeholder: 'sale.lines_total_mismatch',
				description: 'Only tickets with this error code',
			},
			{
				displayName: 'Source',
				name: 'source',
				type: 'string',
				default: '',
				placeholder: 'sumup',
				description: 'Only tickets from this source',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Dead-Lettered', value: 'dead' },
					{ name: 'Delivered', value: 'delivered' },
					{ name: 'Open', value: 'open' },
					{ name: 'Resolved', value: 'resolved' },
					{ name: 'Retried', value: 'retried' },
				],
				default: 'open',
				description: 'Only tickets in this state',
			},
		],
	},
	optionsCollection(show, [maxAttemptsOption, maxRetryTimeOption]),
];

export const listOperation: Operation = {
	outputs: SINGLE_OUTPUT,
	execute: listExecute('/v1/quarantine', 'tickets'),
};
