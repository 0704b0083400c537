import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import {
	batchSizeOption,
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { answersAsItems } from '../../shared/outputs';
import { type PreparedItem, preparePayload, sendPrepared } from '../../shared/payload';
import { callSidecarInBatches } from '../../shared/transport';

const show = showFor('quarantine', 'add');

/** The errors an earlier Belegfluss node attached to a rejected item, if any. */
function errorsOf(json: IDataObject): IDataObject[] | undefined {
	const notes = json.belegfluss as IDataObject | undefined;
	return Array.isArray(notes?.errors) ? (notes.errors as IDataObject[]) : undefined;
}

/** The node the items came from, the usual "node" of a ticket. */
function previousNodeName(this: IExecuteFunctions): string {
	try {
		return this.getInputSourceData(0)?.previousNode ?? '';
	} catch {
		// n8n has no source data when the node runs on its own, e.g. on pinned data.
		return '';
	}
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const previousNode = previousNodeName.call(this);

	const prepared = items.map((item, itemIndex): PreparedItem => {
		const text = (name: string) => String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
		const entry = preparePayload(item.json, text('payloadField'));
		if (!entry.payload) return entry;
		const ticket: IDataObject = {
			source: text('source'),
			payload: entry.payload,
			workflow: text('workflowName') || undefined,
			node: text('nodeName') || previousNode || undefined,
			execution_id: text('executionId') || this.getExecutionId() || undefined,
			reason: text('reason') || undefined,
			errors: errorsOf(item.json),
		};
		return { payload: ticket };
	});
	const outcomes = await sendPrepared(prepared, async (tickets) =>
		callSidecarInBatches.call(this, {
			path: '/v1/quarantine',
			items: tickets,
			batchSize: options.batchSize,
			limits: options.limits,
		}),
	);
	return answersAsItems.call(this, items, outcomes, (answer) => ({
		ticket_id: (answer.ticket_id as string | undefined) ?? null,
		created: answer.created === true,
	}));
}

export const addDescription: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'string',
		required: true,
		default: 'n8n',
		placeholder: 'sumup',
		description: 'Where the payloads come from, e.g. the POS (sumup) or "n8n" for workflow errors',
		displayOptions: { show },
	},
	{
		displayName: 'Payload Field',
		name: 'payloadField',
		type: 'string',
		default: '',
		placeholder: 'body',
		description:
			'Field of the input item to keep as the payload, e.g. "body" for items from a Webhook node. Leave empty to keep the whole item.',
		displayOptions: { show },
	},
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'string',
		default: '',
		placeholder: 'Payment provider unknown',
		description:
			'Why the item is quarantined, in words for the person fixing it. Errors from an earlier Belegfluss node are kept anyway.',
		displayOptions: { show },
	},
	{
		displayName: 'Workflow Name',
		name: 'workflowName',
		type: 'string',
		default: '={{ $workflow.name }}',
		description: 'The workflow the items come from, shown on the ticket',
		displayOptions: { show },
	},
	{
		displayName: 'Node Name',
		name: 'nodeName',
		type: 'string',
		default: '',
		description:
			'The node that rejected the items, shown on the ticket. Leave empty for the node connected to this one.',
		displayOptions: { show },
	},
	{
		displayName: 'Execution ID',
		name: 'executionId',
		type: 'string',
		default: '',
		description:
			'The execution the items come from, shown on the ticket. Leave empty for the current execution.',
		displayOptions: { show },
	},
	optionsCollection(show, [batchSizeOption, maxAttemptsOption, maxRetryTimeOption]),
];

export const addOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
