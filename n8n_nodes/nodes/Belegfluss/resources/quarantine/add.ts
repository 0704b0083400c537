import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { readText } from '../../shared/fields';
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
import { type PreparedItem, preparePayload } from '../../shared/payload';
import { sendPreparedToSidecar } from '../../shared/send';

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

/**
 * Stage `delivery` parks an item for the redelivery queue: the ticket names the delivery target
 * and the event, and is handed to the Redelivery template when its backoff has passed.
 */
function deliveryFields(this: IExecuteFunctions, itemIndex: number): IDataObject {
	if (this.getNodeParameter('stage', itemIndex, 'workflow') !== 'delivery') return {};
	const text = (name: string) => readText.call(this, name, itemIndex);
	const attempts = Number(this.getNodeParameter('redeliveryAttempts', itemIndex, 0) ?? 0);
	return {
		stage: 'delivery',
		target: text('target'),
		...(text('eventId') ? { event_id: text('eventId') } : {}),
		// 0: the sidecar's BELEGFLUSS_REDELIVERY_MAX_ATTEMPTS.
		...(Number.isInteger(attempts) && attempts > 0 ? { max_attempts: attempts } : {}),
	};
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const previousNode = previousNodeName.call(this);

	const prepared = items.map((item, itemIndex): PreparedItem => {
		const text = (name: string) => readText.call(this, name, itemIndex);
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
			...deliveryFields.call(this, itemIndex),
		};
		return { payload: ticket };
	});
	const outcomes = await sendPreparedToSidecar.call(this, '/v1/quarantine', prepared, options);
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
	{
		displayName: 'Stage',
		name: 'stage',
		type: 'options',
		options: [
			{
				name: 'Delivery (Redeliver Later)',
				value: 'delivery',
				description:
					'The item could not be delivered (target failing, circuit open): the Redelivery template retries it with backoff',
			},
			{
				name: 'Workflow',
				value: 'workflow',
				description:
					'The item needs a person: it waits in the quarantine until resolved or retried',
			},
		],
		default: 'workflow',
		description: 'What the ticket is for',
		displayOptions: { show },
	},
	{
		displayName: 'Target',
		name: 'target',
		type: 'string',
		required: true,
		default: '={{ $json.belegfluss?.delivery?.target }}',
		placeholder: 'hubspot:cafe-berlin',
		description:
			'The delivery target the item is for, as in Check Circuit. The default reads it from an item that went through Check Circuit.',
		displayOptions: { show: { ...show, stage: ['delivery'] } },
	},
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		default: '={{ $json.belegfluss?.event_id }}',
		description: 'The Belegfluss event the item delivers, shown on the ticket',
		displayOptions: { show: { ...show, stage: ['delivery'] } },
	},
	{
		displayName: 'Redelivery Attempts',
		name: 'redeliveryAttempts',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 100 },
		default: 0,
		description:
			"How many failed redeliveries dead-letter the ticket. 0 uses the sidecar's setting (BELEGFLUSS_REDELIVERY_MAX_ATTEMPTS, 8).",
		displayOptions: { show: { ...show, stage: ['delivery'] } },
	},
	optionsCollection(show, [batchSizeOption, maxAttemptsOption, maxRetryTimeOption]),
];

export const addOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
