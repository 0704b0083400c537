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
import { answerFields, answersAsItems } from '../../shared/outputs';
import { callSidecarInBatches } from '../../shared/transport';
import { readTarget, targetField, withDeliveryNotes } from './target';

const show = showFor('delivery', 'reportOutcome');

function outcomeOf(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const statusCode = Number(this.getNodeParameter('statusCode', itemIndex, 0) ?? 0);
	const errorMessage = String(this.getNodeParameter('errorMessage', itemIndex, '') ?? '').trim();
	const eventId = String(this.getNodeParameter('eventId', itemIndex, '') ?? '').trim();
	return {
		target: readTarget.call(this, itemIndex),
		ok: this.getNodeParameter('succeeded', itemIndex, true) === true,
		// 0 or empty: no HTTP answer at all (a network error), which the breaker counts too.
		...(Number.isInteger(statusCode) && statusCode > 0 ? { status: statusCode } : {}),
		...(errorMessage ? { error: errorMessage } : {}),
		// A success is recorded per event and target, for the check that finds undelivered sales.
		...(eventId ? { event_id: eventId } : {}),
	};
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const outcomes = await callSidecarInBatches.call(this, {
		path: '/v1/delivery/report',
		items: items.map((_item, itemIndex) => outcomeOf.call(this, itemIndex)),
		batchSize: options.batchSize,
		limits: options.limits,
	});
	return answersAsItems.call(this, items, outcomes, (answer, input) =>
		withDeliveryNotes(input, answerFields(answer)),
	);
}

export const reportOutcomeDescription: INodeProperties[] = [
	targetField(show),
	{
		displayName: 'Succeeded',
		name: 'succeeded',
		type: 'boolean',
		default: true,
		description:
			'Whether the delivery worked. Connect the success output of the delivering node to a Report Outcome with this on, and its error output to one with this off.',
		displayOptions: { show },
	},
	{
		displayName: 'Status Code',
		name: 'statusCode',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 599 },
		default: 0,
		description:
			"The target's HTTP status code, e.g. 503. Only 408, 425, 429, 5xx and network errors (0) count against the target; other 4xx answers are the item's own problem.",
		displayOptions: { show },
	},
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		default: '={{ $json.belegfluss?.event_id }}',
		description:
			'The Belegfluss event the item delivered, so Belegfluss knows it arrived at the target. The default reads it from an item that went through Validate or Book; after a CRM node, read it from the item Check Circuit passed on, via $("Check circuit").item.',
		displayOptions: { show },
	},
	{
		displayName: 'Error Message',
		name: 'errorMessage',
		type: 'string',
		default: '',
		description: 'What went wrong, in words for people; shown on the circuit breaker',
		displayOptions: { show },
	},
	optionsCollection(show, [batchSizeOption, maxAttemptsOption, maxRetryTimeOption]),
];

export const reportOutcomeOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
