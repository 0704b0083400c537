import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { checkCrmContactsDescription, checkCrmContactsOperation } from './checkCrmContacts';
import { runChecksDescription, runChecksOperation } from './runChecks';

export const consistencyOperations: ResourceOperations = {
	runChecks: runChecksOperation,
	checkCrmContacts: checkCrmContactsOperation,
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
				name: 'Check CRM Contacts',
				value: 'checkCrmContacts',
				action: 'Check crm contacts',
				description:
					'Find CRM contacts that still carry the golden ID of a customer since merged into another; the stale ones name the ID to carry now',
			},
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
	...checkCrmContactsDescription,
];
