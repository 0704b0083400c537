import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { mapDescription, mapOperation } from './map';
import { validateDescription, validateOperation } from './validate';

export const eventOperations: ResourceOperations = {
	map: mapOperation,
	validate: validateOperation,
};

export const eventDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['event'] } },
		options: [
			{
				name: 'Map From POS',
				value: 'map',
				action: 'Map POS payloads to canonical events',
				description:
					'Turn payloads from a POS (SumUp, Shopify, Square) into canonical Belegfluss events. Invalid items go to the second output.',
			},
			{
				name: 'Validate',
				value: 'validate',
				action: 'Validate canonical events',
				description:
					'Check canonical events (totals, tax, TSE, sequence) and store the valid ones once. Invalid items go to the second output.',
			},
		],
		default: 'map',
	},
	...mapDescription,
	...validateDescription,
];
