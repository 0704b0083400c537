import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	accountingDescription,
	consistencyDescription,
	customerDescription,
	DEFAULT_RESOURCE,
	deliveryDescription,
	eventDescription,
	findOperation,
	outputsExpression,
	profileDescription,
	quarantineDescription,
	redeliveryDescription,
	reviewDescription,
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
		description:
			'Map, validate, book and export POS receipts to DATEV, dedup customers and guard CRM deliveries with the Belegfluss sidecar',
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
						name: 'Accounting',
						value: 'accounting',
						description: 'Bookings, DATEV export and Z-report reconciliation',
					},
					{
						name: 'Consistency',
						value: 'consistency',
						description:
							'The nightly correction job: checks that find and fix inconsistent records',
					},
					{
						name: 'Customer',
						value: 'customer',
						description: 'Deduplicate customer records into golden customers',
					},
					{
						name: 'Delivery',
						value: 'delivery',
						description:
							'Circuit breakers per CRM or other target, shared by all workers: check before delivering, report after; HubSpot notes for CRM batches',
					},
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
					{
						name: 'Redelivery',
						value: 'redelivery',
						description:
							'Parked deliveries, replayed with backoff until they arrive or are dead-lettered',
					},
					{
						name: 'Review',
						value: 'review',
						description: 'Pairs of customer records dedup was unsure about, for a person to decide',
					},
				],
				default: 'event',
			},
			...eventDescription,
			...accountingDescription,
			...customerDescription,
			...deliveryDescription,
			...quarantineDescription,
			...redeliveryDescription,
			...consistencyDescription,
			...profileDescription,
			...reviewDescription,
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
