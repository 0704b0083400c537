import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { approveDescription, approveOperation } from './approve';
import { listDescription, listOperation } from './list';
import { rejectDescription, rejectOperation } from './reject';

export const reviewOperations: ResourceOperations = {
	list: listOperation,
	approve: approveOperation,
	reject: rejectOperation,
};

export const reviewDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['review'] } },
		options: [
			{
				name: 'Approve',
				value: 'approve',
				action: 'Approve review items',
				description: 'Confirm that two customer records are the same person: they are merged',
			},
			{
				name: 'List',
				value: 'list',
				action: 'List review items',
				description:
					'List the pairs of customer records dedup was unsure about, with both records and the score',
			},
			{
				name: 'Reject',
				value: 'reject',
				action: 'Reject review items',
				description: 'Confirm that two customer records are different people: they stay apart',
			},
		],
		default: 'list',
	},
	...listDescription,
	...approveDescription,
	...rejectDescription,
];
