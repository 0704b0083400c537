/**
 * Take In POS Sales: the fast path of the POS template. Every payload of the input items (a
 * webhook call may carry one sale or an array of many) goes to `/v1/intake`, which maps,
 * validates and stores, books, resolves the customer and checks the CRM circuit in one call per
 * batch. The node outputs one item per CRM batch (up to 100 contacts and their purchase notes),
 * not one per sale: n8n's cost is per item and node, so a 500-sale call flows as five items.
 *
 * Nothing is dropped: a payload that fails, or a sale whose CRM circuit is open, is a ticket in
 * Belegfluss already; it also comes out of the second output so a workflow can alert on it.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { originFields, readText } from '../../shared/fields';
import type { Operation } from '../../shared/operation';
import { showFor } from '../../shared/operation';
import { mapConcurrently } from '../../shared/concurrency';
import type { NodeOptions } from '../../shared/options';
import {
	batchSizeOption,
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	parallelRequestsOption,
	readOptions,
} from '../../shared/options';
import { pairedItems } from '../../shared/pairing';
import { valueAtPath } from '../../shared/payload';
import { callSidecar } from '../../shared/transport';

const show = showFor('event', 'intake');

/** A payload to send and the input item it came from. */
interface Payload {
	payload: unknown;
	itemIndex: number;
}

/** The payloads an item carries in its Payload Field: an array is many sales, anything else one. */
function payloadsOf(
	this: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
): unknown[] {
	const field = readText.call(this, 'payloadsField', itemIndex);
	const value = valueAtPath(item.json, field);
	// A missing field is still sent: the sidecar answers why it is not a sale and keeps a ticket.
	return Array.isArray(value) ? value : [value ?? null];
}

/** One request's worth of payloads of one source. */
interface Chunk {
	source: string;
	payloads: Payload[];
}

/** What the sidecar answered to a chunk, or the error that stopped it (continue on fail). */
type ChunkAnswer = { answer: IDataObject; error?: undefined } | { error: NodeApiError };

async function sendChunk(
	this: IExecuteFunctions,
	{ source, payloads }: Chunk,
	origin: IDataObject,
	options: NodeOptions,
): Promise<ChunkAnswer> {
	try {
		const answer = await callSidecar.call(
			this,
			{
				method: 'POST',
				path: '/v1/intake',
				body: { ...origin, source, items: payloads.map((entry) => entry.payload) as IDataObject[] },
			},
			options.limits,
			payloads[0].itemIndex,
		);
		return { answer };
	} catch (error) {
		if (!this.continueOnFail()) throw new NodeApiError(this.getNode(), error as JsonObject);
		return { error: error as NodeApiError };
	}
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const bySource = new Map<string, Payload[]>();
	items.forEach((item, itemIndex) => {
		const source = readText.call(this, 'posSource', itemIndex);
		const payloads = bySource.get(source) ?? [];
		for (const payload of payloadsOf.call(this, item, itemIndex))
			payloads.push({ payload, itemIndex });
		bySource.set(source, payloads);
	});
	const chunks: Chunk[] = [];
	for (const [source, payloads] of bySource) {
		for (let offset = 0; offset < payloads.length; offset += options.batchSize) {
			chunks.push({ source, payloads: payloads.slice(offset, offset + options.batchSize) });
		}
	}

	const origin = originFields.call(this);
	// The batches of one POS go one after the other: validation checks a sale against what is
	// stored before it (TSE counters rising, a refund's original), so a later batch must not land
	// first. Only the batches of different POS sources run side by side.
	const chunksBySource = new Map<string, number[]>();
	chunks.forEach(({ source }, chunkIndex) => {
		chunksBySource.set(source, [...(chunksBySource.get(source) ?? []), chunkIndex]);
	});
	const answers: ChunkAnswer[] = new Array(chunks.length);
	await mapConcurrently([...chunksBySource.values()], options.parallelRequests, async (lane) => {
		for (const chunkIndex of lane) {
			answers[chunkIndex] = await sendChunk.call(this, chunks[chunkIndex], origin, options);
		}
	});

	// Outputs in input order, whichever request finished first.
	const batches: INodeExecutionData[] = [];
	const tickets: INodeExecutionData[] = [];
	chunks.forEach(({ source, payloads: chunk }, chunkIndex) => {
		const outcome = answers[chunkIndex];
		if (outcome.error) {
			tickets.push({
				json: { error: outcome.error.message, source, payloads: chunk.length },
				error: outcome.error,
				pairedItem: pairedItems(chunk.map((entry) => entry.itemIndex)),
			});
			return;
		}
		const results = (outcome.answer.results ?? []) as IDataObject[];
		const originOfEvent = new Map<string, number>();
		for (const result of results) {
			const entry = chunk[Number(result.index)];
			if (result.event_id) originOfEvent.set(String(result.event_id), entry.itemIndex);
			if (result.ticket_id) {
				tickets.push({ json: { source, ...result }, pairedItem: { item: entry.itemIndex } });
			}
		}
		for (const batch of (outcome.answer.deliveries ?? []) as IDataObject[]) {
			const eventIds = (batch.event_ids ?? []) as string[];
			batches.push({
				json: batch,
				pairedItem: pairedItems(eventIds.map((id) => originOfEvent.get(id) ?? chunk[0].itemIndex)),
			});
		}
	});
	return [batches, tickets];
}

export const intakeDescription: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'posSource',
		type: 'string',
		default: '={{ $json.query.source }}',
		placeholder: 'sumup',
		description:
			'The POS the payloads come from: sumup, shopify, square or canonical. The default reads it from the webhook URL (?source=sumup). Payloads of an unknown source are quarantined, not lost.',
		displayOptions: { show },
	},
	{
		displayName: 'Payload Field',
		name: 'payloadsField',
		type: 'string',
		default: 'body',
		placeholder: 'body',
		description:
			'Field of the input item that holds the POS payload, or an array of many: "body" for items from a Webhook node. Leave empty to send the whole item as one payload.',
		displayOptions: { show },
	},
	optionsCollection(show, [
		batchSizeOption,
		maxAttemptsOption,
		maxRetryTimeOption,
		parallelRequestsOption,
	]),
];

export const intakeOperation: Operation = { outputs: ['CRM Batches', 'Tickets'], execute };
