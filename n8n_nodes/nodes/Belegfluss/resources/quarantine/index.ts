import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { addDescription, addOperation } from './add';
import { listDescription, listOperation } from './list';
import { resolveDescription, resolveOperation } from './resolve';

export const quarantineOperations: ResourceOperations = {
	add: addOperation,
	list: listOperation,
	resolve: resolveOperation,
};

export const quarantineDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['quarantine'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				action: 'Add items to the quarantine',
				description:
					'Keep each item as a quarantine ticket with its payload and errors, to fix and retry later',
			},
			{
				name: 'List',
				value: 'list',
				action: 'List quarantine tickets',
				description: 'List quarantine tickets, optionally filtered by status, source or error code',
			},
			{
				name: 'Resolve',
				value: 'resolve',
				action: 'Resolve quarantine tickets',
				description: 'Close quarantine tickets, saying how they were settled',
			},
		],
		default: 'add',
	},
	...addDescription,
	...listDescription,
	...resolveDescription,
];
