import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { profileIdField, readProfileId } from '../../shared/fields';
import type { Operation } from '../../shared/operation';
import { showFor, VALID_INVALID_OUTPUTS } from '../../shared/operation';
import {
	batchSizeOption,
	maxAttemptsOption,
	maxRetryTimeOption,
	onInvalidItemsOption,
	optionsCollection,
	quarantineInvalidItemsOption,
	readOptions,
} from '../../shared/options';
import { sendPreparedToSidecar } from '../../shared/send';
import { splitAcceptedAndRejected } from '../../shared/outputs';
import { withoutNotes } from '../../shared/payload';
import { issuesOf } from '../../shared/types';

const show = showFor('event', 'validate');

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const store = options.raw.storeEvents !== false;
	// Each item may name its own location profile; items of one profile share a request.
	const prepared = items.map((item, itemIndex) => {
		const profile = readProfileId.call(this, itemIndex);
		return { payload: withoutNotes(item.json), fields: profile ? { profile } : {} };
	});
	const outcomes = await sendPreparedToSidecar.call(this, '/v1/validate', prepared, options, {
		store,
		quarantine: options.quarantineInvalidItems,
	});
	return splitAcceptedAndRejected.call(
		this,
		items,
		outcomes,
		(answer, input) => ({
			...input.json,
			belegfluss: {
				event_id: (answer.event_id as string | undefined) ?? null,
				stored: (answer.stored as string | undefined) ?? null,
				warnings: issuesOf(answer, 'warnings'),
			},
		}),
		options.onInvalidItems,
	);
}

export const validateDescription: INodeProperties[] = [
	profileIdField(
		show,
		'Location profile to check the events against (tax system, accounts), e.g. {{ $json.location_id }}. Items of several profiles are sent in one request per profile. Leave empty for the checks that need no profile.',
		false,
	),
	optionsCollection(show, [
		batchSizeOption,
		maxAttemptsOption,
		maxRetryTimeOption,
		onInvalidItemsOption,
		quarantineInvalidItemsOption,
		{
			displayName: 'Store Events',
			name: 'storeEvents',
			type: 'boolean',
			default: true,
			description:
				'Whether valid events are kept in the Belegfluss store. A stored event delivered again is recognised as a duplicate (belegfluss.stored is "duplicate").',
		},
	]),
];

export const validateOperation: Operation = { outputs: VALID_INVALID_OUTPUTS, execute };
