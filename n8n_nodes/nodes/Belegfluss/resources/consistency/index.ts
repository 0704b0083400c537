import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { runChecksDescription, runChecksOperation } from './runChecks';

export const consistencyOperations: ResourceOperations = {
	runChecks: runChecksOperation,
};

export const consistencyDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['consistency'] } },
		options: [
			{
				name: 'Run Checks',
				value: 'runChecks',
				action: 'Run the consistency checks',
				description:
					'Find undelivered sales, missing bookings, Geldtransit that does not net and receipt number gaps; fix or ticket each finding',
			},
		],
		default: 'runChecks',
	},
	...runChecksDescription,
];
