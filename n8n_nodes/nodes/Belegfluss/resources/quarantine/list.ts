import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor } from '../../shared/operation';
import {
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { asNodeError } from '../../shared/outputs';
import { callSidecar } from '../../shared/transport';

const show = showFor('quarantine', 'list');
const PAGE_SIZE = 100;

/** Fetches tickets page by page until `limit` (or, without a limit, all) are there. */
async function listTickets(
	this: IExecuteFunctions,
	filters: IDataObject,
	limit: number | undefined,
	itemIndex: number,
): Promise<IDataObject[]> {
	const { limits } = readOptions.call(this);
	const tickets: IDataObject[] = [];
	for (;;) {
		const pageSize = limit === undefined ? PAGE_SIZE : Math.min(PAGE_SIZE, limit - tickets.length);
		const page = await callSidecar.call(
			this,
			{
				method: 'GET',
				path: '/v1/quarantine',
				qs: { ...filters, limit: pageSize, offset: tickets.length },
			},
			limits,
			itemIndex,
		);
		const pageTickets = Array.isArray(page.tickets) ? (page.tickets as IDataObject[]) : [];
		tickets.push(...pageTickets);
		const total = Number(page.total ?? tickets.length);
		const enough = limit !== undefined && tickets.length >= limit;
		if (pageTickets.length === 0 || tickets.length >= total || enough) return tickets;
	}
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
			const limit = returnAll
				? undefined
				: (this.getNodeParameter('limit', itemIndex, 50) as number);
			const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
			const tickets = await listTickets.call(this, filters, limit, itemIndex);
			output.push(...tickets.map((ticket) => ({ json: ticket, pairedItem: { item: itemIndex } })));
		} catch (caught) {
			const error = asNodeError.call(this, caught, itemIndex);
			if (!this.continueOnFail()) throw error;
			output.push({ json: { error: error.message }, error, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}

export const listDescription: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Error Code',
				name: 'code',
				type: 'string',
				default: '',
				placeholder: 'sale.lines_total_mismatch',
				description: 'Only tickets with this error code',
			},
			{
				displayName: 'Source',
				name: 'source',
				type: 'string',
				default: '',
				placeholder: 'sumup',
				description: 'Only tickets from this source',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Open', value: 'open' },
					{ name: 'Resolved', value: 'resolved' },
					{ name: 'Retried', value: 'retried' },
				],
				default: 'open',
				description: 'Only tickets in this state',
			},
		],
	},
	optionsCollection(show, [maxAttemptsOption, maxRetryTimeOption]),
];

export const listOperation: Operation = { hasInvalidOutput: false, execute };
