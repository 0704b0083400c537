import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { claimDescription, claimOperation } from './claim';
import { reportDescription, reportOperation } from './report';

export const redeliveryOperations: ResourceOperations = {
	claim: claimOperation,
	report: reportOperation,
};

export const redeliveryDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['redelivery'] } },
		options: [
			{
				name: 'Claim Due Tickets',
				value: 'claim',
				action: 'Claim due redelivery tickets',
				description:
					'Take the parked deliveries whose wait is over, one item per ticket, leased to this run alone',
			},
			{
				name: 'Report Outcome',
				value: 'report',
				action: 'Report how a redelivery went',
				description:
					'Mark tickets delivered, or failed: they come back later, or are dead-lettered after their last attempt',
			},
		],
		default: 'claim',
	},
	...claimDescription,
	...reportDescription,
];
