import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { dedupDescription, dedupOperation } from './dedup';
import { getDescription, getOperation } from './get';
import { unmergeDescription, unmergeOperation } from './unmerge';

export const customerOperations: ResourceOperations = {
	dedup: dedupOperation,
	get: getOperation,
	unmerge: unmergeOperation,
};

export const customerDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['customer'] } },
		options: [
			{
				name: 'Dedup',
				value: 'dedup',
				action: 'Deduplicate customer records',
				description:
					'Resolve customer records to golden customers (new, match or review), or find duplicates among the items. Invalid records go to the second output.',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a golden customer',
				description: 'Read a golden customer with its linked records and merge history',
			},
			{
				name: 'Unmerge',
				value: 'unmerge',
				action: 'Unmerge a golden customer',
				description: 'Split a golden customer back into the customers a merge joined',
			},
		],
		default: 'dedup',
	},
	...dedupDescription,
	...getDescription,
	...unmergeDescription,
];
