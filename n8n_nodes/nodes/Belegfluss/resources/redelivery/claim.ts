import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import {
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { callSidecar } from '../../shared/transport';

const show = showFor('redelivery', 'claim');

/**
 * One claim per run, whatever the number of input items (a Schedule Trigger gives one): each due
 * ticket is leased to this worker alone, so two workers never deliver the same ticket.
 */
async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { limits } = readOptions.call(this);
	const body: IDataObject = {
		worker: String(this.getNodeParameter('worker', 0, '') ?? '').trim() || 'n8n',
		limit: Number(this.getNodeParameter('limit', 0, 50)),
	};
	const answer = await callSidecar.call(
		this,
		{ method: 'POST', path: '/v1/redelivery/claim', body },
		limits,
		0,
	);
	const tickets = Array.isArray(answer.tickets) ? (answer.tickets as IDataObject[]) : [];
	return [tickets.map((ticket) => ({ json: ticket, pairedItem: { item: 0 } }))];
}

export const claimDescription: INodeProperties[] = [
	{
		displayName: 'Worker',
		name: 'worker',
		type: 'string',
		default: '={{ "n8n execution " + $execution.id }}',
		description: 'Who claims the tickets, shown on them while they are leased',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1000 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show },
	},
	optionsCollection(show, [maxAttemptsOption, maxRetryTimeOption]),
];

export const claimOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
