import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { intakeDescription, intakeOperation } from './intake';
import { mapDescription, mapOperation } from './map';
import { validateDescription, validateOperation } from './validate';

export const eventOperations: ResourceOperations = {
	map: mapOperation,
	intake: intakeOperation,
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
				name: 'Take In POS Sales',
				value: 'intake',
				action: 'Take in POS sales and plan their CRM delivery',
				description:
					'The fast path for POS webhooks: map, validate and store, book, resolve the customer and check the CRM circuit in one call; outputs one item per CRM batch. Failures are quarantined.',
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
	...intakeDescription,
	...mapDescription,
	...validateDescription,
];
