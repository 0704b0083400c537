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
import { sendPreparedToSidecar } from '../../shared/send';
import { splitAcceptedAndRejected } from '../../shared/outputs';
import { prepareForProfile, withoutNotes } from '../../shared/payload';
import { issuesOf } from '../../shared/types';

const show = showFor('accounting', 'book');

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const prepared = items.map((item, itemIndex) =>
		prepareForProfile(withoutNotes(item.json), readProfileId.call(this, itemIndex)),
	);
	const outcomes = await sendPreparedToSidecar.call(this, '/v1/book', prepared, options);
	return splitAcceptedAndRejected.call(
		this,
		items,
		outcomes,
		(answer, input) => ({
			...input.json,
			belegfluss: {
				event_id: (answer.event_id as string | undefined) ?? null,
				stored: (answer.stored as string | undefined) ?? null,
				bookings: (answer.bookings as IDataObject[] | undefined) ?? [],
				warnings: issuesOf(answer, 'warnings'),
			},
		}),
		options.onInvalidItems,
	);
}

export const bookDescription: INodeProperties[] = [
	profileIdField(
		show,
		'Location profile whose chart, account mapping and booking mode apply, e.g. {{ $json.location_id }}. Items of several profiles are sent in one request per profile.',
	),
	optionsCollection(show, [
		batchSizeOption,
		maxAttemptsOption,
		maxRetryTimeOption,
		onInvalidItemsOption,
	]),
];

export const bookOperation: Operation = { outputs: VALID_INVALID_OUTPUTS, execute };
