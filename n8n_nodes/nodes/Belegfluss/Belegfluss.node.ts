import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_RESOURCE,
	eventDescription,
	findOperation,
	outputsExpression,
	profileDescription,
	quarantineDescription,
} from './resources';
import { BELEGFLUSS_CREDENTIAL_TYPE } from './shared/transport';

export class Belegfluss implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Belegfluss',
		name: 'belegfluss',
		icon: {
			light: 'file:../../icons/belegfluss.svg',
			dark: 'file:../../icons/belegfluss.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Map, validate and quarantine POS receipts with the Belegfluss sidecar',
		defaults: {
			name: 'Belegfluss',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsExpression(),
		credentials: [
			{
				name: BELEGFLUSS_CREDENTIAL_TYPE,
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Event',
						value: 'event',
						description: 'Sales, refunds and Z-reports from a POS',
					},
					{
						name: 'Profile',
						value: 'profile',
						description: 'Location profiles: the per-location settings workflows read',
					},
					{
						name: 'Quarantine',
						value: 'quarantine',
						description: 'Items that could not be processed, kept as tickets to fix and retry',
					},
				],
				default: 'event',
			},
			...eventDescription,
			...quarantineDescription,
			...profileDescription,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0, DEFAULT_RESOURCE) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const handler = findOperation(resource, operation);
		if (!handler) {
			throw new NodeOperationError(
				this.getNode(),
				`The operation "${operation}" of "${resource}" is not supported`,
			);
		}
		return await handler.execute.call(this);
	}
}
