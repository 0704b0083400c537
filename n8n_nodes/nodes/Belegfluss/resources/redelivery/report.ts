import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

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
import { claimedByField, readClaimedBy, readTicketIds, ticketIdField } from './ticketId';

const show = showFor('redelivery', 'report');

/** One outcome per ticket, each with the input item it came from. */
function ticketOutcomesOf(this: IExecuteFunctions, itemIndex: number) {
	const outcome = readOutcome.call(this, itemIndex);
	const claimedBy = readClaimedBy.call(this, itemIndex);
	return readTicketIds
		.call(this, itemIndex)
		.map((id) => ({ itemIndex, outcome: { id, ...outcome, claimed_by: claimedBy } }));
}

/**
 * One output item per ticket, paired with the input item that named it, so a dead-lettered
 * ticket of a CRM batch can be alerted on by itself.
 */
async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const tickets = items.flatMap((_item, itemIndex) => ticketOutcomesOf.call(this, itemIndex));
	// A CRM batch's item names up to 100 tickets: answers and errors name that input item.
	const itemIndexes = tickets.map(({ itemIndex }) => itemIndex);
	const answers = await callSidecarInBatches.call(this, {
		path: '/v1/redelivery/report',
		items: tickets.map(({ outcome }) => outcome),
		itemIndexes,
		batchSize: options.batchSize,
		limits: options.limits,
	});
	return answersAsItems.call(this, items, answers, (answer) => answerFields(answer), itemIndexes);
}

export const reportDescription: INodeProperties[] = [
	ticketIdField(
		show,
		'The redelivery ticket, as Claim Due Tickets gives it, or a list of tickets one call delivered (the ticket_ids of a CRM batch from Plan HubSpot Batches): each is reported with the same outcome and comes out as an item of its own',
	),
	claimedByField(
		show,
		'',
		"The worker that claimed the tickets (the Claim node's claimed_by). If another run holds a ticket by now (this run's lease ran out), its outcome is refused and the holder's delivery stands.",
	),
	...outcomeFields(show, {
		succeeded:
			'Whether the redelivery worked. A failure puts the ticket back in the queue with a longer wait, or dead-letters it after its last attempt.',
		statusCode: "The target's HTTP status code, e.g. 503 (0: no HTTP answer)",
		errorMessage: 'What went wrong, kept with the attempt on the ticket',
	}),
	optionsCollection(show, [batchSizeOption, maxAttemptsOption, maxRetryTimeOption]),
];

export const reportOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
