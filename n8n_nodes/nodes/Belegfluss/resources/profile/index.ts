import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { getDescription, getOperation } from './get';

export const profileOperations: ResourceOperations = {
	get: getOperation,
};

export const profileDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['profile'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a location profile',
				description:
					'Read a location profile (accounts, tax system, DATEV numbers, CRM address) for use in later nodes',
			},
		],
		default: 'get',
	},
	...getDescription,
];
