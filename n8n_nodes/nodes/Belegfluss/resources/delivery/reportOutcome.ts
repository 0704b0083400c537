import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { originFields, readIdOrIds } from '../../shared/fields';
import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import {
	batchSizeOption,
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { outcomeFields, readOutcome } from '../../shared/outcome';
import { answerFields, answersAsItems } from '../../shared/outputs';
import { callSidecarInBatches } from '../../shared/transport';
import { readTarget, targetField, withDeliveryNotes } from './target';

const show = showFor('delivery', 'reportOutcome');

/** The Event ID field: one id, or a list of the ids one call delivered (a CRM batch). */
function eventIdsOf(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const ids = readIdOrIds.call(this, 'eventId', itemIndex);
	if (Array.isArray(ids)) return { event_ids: ids };
	return ids ? { event_id: ids } : {};
}

function outcomeOf(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const outcome = readOutcome.call(this, itemIndex);
	const park = outcome.ok !== true && this.getNodeParameter('park', itemIndex, false) === true;
	return {
		target: readTarget.call(this, itemIndex),
		...outcome,
		// A success is recorded per event and target, for the check that finds undelivered sales.
		...eventIdsOf.call(this, itemIndex),
		...(park ? { park: true } : {}),
	};
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const outcomes = await callSidecarInBatches.call(this, {
		path: '/v1/delivery/report',
		items: items.map((_item, itemIndex) => outcomeOf.call(this, itemIndex)),
		// Tickets of parked events name the workflow, node and execution that parked them.
		fields: originFields.call(this),
		batchSize: options.batchSize,
		limits: options.limits,
	});
	return answersAsItems.call(this, items, outcomes, (answer, input) =>
		withDeliveryNotes(input, answerFields(answer)),
	);
}

export const reportOutcomeDescription: INodeProperties[] = [
	targetField(show),
	...outcomeFields(show, {
		succeeded:
			'Whether the delivery worked. Connect the success output of the delivering node to a Report Outcome with this on, and its error output to one with this off.',
		statusCode:
			"The target's HTTP status code, e.g. 503. Only 408, 425, 429, 5xx and network errors (0) count against the target; other 4xx answers are the item's own problem.",
		errorMessage: 'What went wrong, in words for people; shown on the circuit breaker',
	}),
	{
		displayName: 'Event ID',
		name: 'eventId',
		type: 'string',
		default: '={{ $json.belegfluss?.event_id }}',
		description:
			'The Belegfluss event the item delivered, so Belegfluss knows it arrived at the target; or a list of events one call delivered (e.g. the event_ids of a CRM batch from Take In POS Sales), reported as one outcome. The default reads it from an item that went through Validate or Book; after a CRM node, read it from the item Check Circuit passed on, via $("Check circuit").item.',
		displayOptions: { show },
	},
	{
		displayName: 'Park for Redelivery',
		name: 'park',
		type: 'boolean',
		default: false,
		description:
			"Whether Belegfluss parks the failed item's events (stored sales) as delivery tickets, which the Redelivery template sends when the target is back. The tickets hold the stored sales; their IDs come back in belegfluss.delivery.ticket_ids.",
		displayOptions: { show: { ...show, succeeded: [false] } },
	},
	optionsCollection(show, [batchSizeOption, maxAttemptsOption, maxRetryTimeOption]),
];

export const reportOutcomeOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
