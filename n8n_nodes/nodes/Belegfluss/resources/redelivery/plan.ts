/**
 * Plan HubSpot Batches: the tickets Claim Due Tickets put out, planned by Belegfluss in one request
 * the way Take In POS Sales plans a first delivery. A replayed sale gets the same golden ID,
 * contact and note wording as it would have had the first time.
 *
 * The first output carries one item per CRM batch, in the shape Take In POS Sales puts out, plus
 * the batch's ticket_ids. The second carries one item per ticket that does not go out now, with
 * the reason, so the workflow can report it to the queue. Every claimed ticket comes out exactly once.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { readText } from '../../shared/fields';
import type { Operation } from '../../shared/operation';
import { showFor } from '../../shared/operation';
import {
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { answerFields, errorItem, errorItemOrThrow, rejectedItemError } from '../../shared/outputs';
import { pairedItems } from '../../shared/pairing';
import { callSidecar } from '../../shared/transport';
import type { ItemAnswer } from '../../shared/types';
import { claimedByField, readClaimedBy, ticketIdField } from './ticketId';

const show = showFor('redelivery', 'plan');

/** The plan of a run: per ticket (`results`) and the HubSpot batches (`deliveries`). */
interface RedeliveryPlan extends IDataObject {
	results?: ItemAnswer[];
	deliveries?: IDataObject[];
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length === 0) return [[], []];
	const { limits } = readOptions.call(this);
	const ticketIds = items.map((_item, itemIndex) => readText.call(this, 'ticketId', itemIndex));
	// Who holds each ticket's lease: a run whose lease ran out must not send what another run claimed.
	const claimedBy = items.map((_item, itemIndex) => readClaimedBy.call(this, itemIndex));
	let plan: RedeliveryPlan;
	try {
		plan = await callSidecar.call(
			this,
			{
				method: 'POST',
				path: '/v1/redelivery/plan',
				body: {
					items: ticketIds.map((id, itemIndex) => ({ id, claimed_by: claimedBy[itemIndex] })),
				},
			},
			limits,
			0,
		);
	} catch (caught) {
		return [[errorItemOrThrow.call(this, caught, 0, pairedItems(items.keys()))], []];
	}

	const itemOfTicket = new Map(ticketIds.map((ticketId, itemIndex) => [ticketId, itemIndex]));
	const batches: INodeExecutionData[] = (plan.deliveries ?? []).map((batch) => ({
		json: batch,
		pairedItem: pairedItems(
			((batch.ticket_ids ?? []) as string[]).map((ticketId) => itemOfTicket.get(ticketId) ?? 0),
		),
	}));
	const notNow: INodeExecutionData[] = [];
	for (const answer of plan.results ?? []) {
		const itemIndex = Number(answer.index);
		if (!answer.ok) {
			// Not a ticket this run claimed: reporting on it would touch another run's delivery.
			const error = rejectedItemError.call(this, answer, itemIndex);
			if (!this.continueOnFail()) throw error;
			// Not on CRM Batches: it has nothing for HubSpot and must not reach its HTTP nodes.
			notNow.push(errorItem(error, { item: itemIndex }));
		} else if (answer.delivery !== 'planned') {
			notNow.push({ json: answerFields(answer), pairedItem: { item: itemIndex } });
		}
	}
	return [batches, notNow];
}

export const planDescription: INodeProperties[] = [
	ticketIdField(
		show,
		'The claimed delivery ticket, as Claim Due Tickets gives it. Tickets not claimed by this run stop the workflow.',
	),
	claimedByField(
		show,
		'={{ $json.claimed_by }}',
		"The worker that claimed the ticket, as Claim Due Tickets gives it. A ticket another run holds by now (this run's lease ran out) stops the workflow instead of being sent twice.",
	),
	optionsCollection(show, [maxAttemptsOption, maxRetryTimeOption]),
];

export const planOperation: Operation = { outputs: ['CRM Batches', 'Not Now'], execute };
