import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import { maxAttemptsOption, maxRetryTimeOption, optionsCollection } from '../../shared/options';
import { listExecute, returnAllAndLimitFields } from '../../shared/paging';

const show = showFor('review', 'list');

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
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Approved', value: 'approved' },
					{ name: 'Open', value: 'open' },
					{ name: 'Rejected', value: 'rejected' },
				],
				default: 'open',
				description: 'Only review items in this state. Without this filter, open ones.',
			},
		],
	},
	optionsCollection(show, [maxAttemptsOption, maxRetryTimeOption]),
];

export const listOperation: Operation = {
	outputs: SINGLE_OUTPUT,
	execute: listExecute('/v1/review', 'reviews'),
};
