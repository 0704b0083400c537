import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { claimDescription, claimOperation } from './claim';
import { planDescription, planOperation } from './plan';
import { reportDescription, reportOperation } from './report';

export const redeliveryOperations: ResourceOperations = {
	claim: claimOperation,
	plan: planOperation,
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
				name: 'Plan HubSpot Batches',
				value: 'plan',
				action: 'Plan the delivery of claimed tickets',
				description:
					'Turn claimed tickets into HubSpot batches as Take In POS Sales plans them (with their ticket IDs). Tickets that cannot go now go to "Not Now": delivery "not_now" with a reason (report a failed attempt) or "none" (no customer, nothing to send: report delivered).',
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
	...planDescription,
	...reportDescription,
];
