import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { profileIdField, readProfileId } from '../../shared/fields';
import type { Operation } from '../../shared/operation';
import { showFor, VALID_INVALID_OUTPUTS } from '../../shared/operation';
import {
	batchSizeOption,
	maxAttemptsOption,
	maxRetryTimeOption,
	onInvalidItemsOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { answerFields, splitAcceptedAndRejected } from '../../shared/outputs';
import { preparePayload, withNotes } from '../../shared/payload';
import type { ItemAnswer } from '../../shared/types';
import { sendPreparedToSidecar } from '../../shared/send';

const show = showFor('customer', 'dedup');

type DedupMode = 'resolve' | 'batch';

/**
 * The dedup answer an item carries on, under `belegfluss.dedup`, next to what earlier Belegfluss
 * nodes noted. In batch mode `matched_index` names the matching record by its request position;
 * it is turned into the index of the node's input item.
 */
function dedupNotes(
	answer: ItemAnswer,
	input: INodeExecutionData,
	inputIndexOfSent: number[],
): IDataObject {
	const dedup = answerFields(answer);
	if (typeof dedup.matched_index === 'number') {
		dedup.matched_index = inputIndexOfSent[dedup.matched_index] ?? null;
	}
	return withNotes(input, 'dedup', dedup);
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const mode = this.getNodeParameter('mode', 0, 'resolve') as DedupMode;
	// Batch mode compares the items among themselves: all of them go in one request, under the
	// first item's profile. Resolve mode batches as usual, one request per profile.
	const firstProfile = items.length > 0 ? readProfileId.call(this, 0) : '';
	const prepared = items.map((item, itemIndex) => {
		const profile = mode === 'batch' ? firstProfile : readProfileId.call(this, itemIndex);
		const field = String(this.getNodeParameter('payloadField', itemIndex, '') ?? '').trim();
		return preparePayload(item.json, field, { mode, ...(profile ? { profile } : {}) });
	});
	const inputIndexOfSent = prepared.flatMap((entry, itemIndex) =>
		entry.payload ? [itemIndex] : [],
	);
	const outcomes = await sendPreparedToSidecar.call(
		this,
		'/v1/dedup',
		prepared,
		options,
		{},
		(records) => (mode === 'batch' ? Math.max(1, records.length) : options.batchSize),
	);
	return splitAcceptedAndRejected.call(
		this,
		items,
		outcomes,
		(answer, input) => dedupNotes(answer, input, inputIndexOfSent),
		options.onInvalidItems,
	);
}

export const dedupDescription: INodeProperties[] = [
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Compare Among Items',
				value: 'batch',
				description:
					'Find duplicates among the input items only, e.g. to clean up a CRM export. Nothing is stored; all items go in one request.',
			},
			{
				name: 'Resolve to Golden Customers',
				value: 'resolve',
				description:
					'Match each record against the stored customers: it joins a golden customer, starts a new one, or waits for review',
			},
		],
		default: 'resolve',
		description: 'How the customer records are deduplicated',
		displayOptions: { show },
	},
	{
		displayName: 'Customer Field',
		name: 'payloadField',
		type: 'string',
		default: '',
		placeholder: 'customer',
		description:
			'Field of the input item that holds the customer record (Belegfluss customer JSON: external_ids, emails, phones, name, …). Leave empty to send the whole item.',
		displayOptions: { show },
	},
	profileIdField(
		show,
		"Location profile whose identity weights and thresholds apply. Leave empty for Belegfluss' defaults.",
		false,
	),
	optionsCollection(show, [
		batchSizeOption,
		maxAttemptsOption,
		maxRetryTimeOption,
		onInvalidItemsOption,
	]),
];

export const dedupOperation: Operation = { outputs: VALID_INVALID_OUTPUTS, execute };
