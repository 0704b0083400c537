import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor } from '../../shared/operation';
import {
	batchSizeOption,
	maxAttemptsOption,
	maxRetryTimeOption,
	onInvalidItemsOption,
	optionsCollection,
	quarantineInvalidItemsOption,
	readOptions,
} from '../../shared/options';
import { splitAcceptedAndRejected } from '../../shared/outputs';
import { callSidecarInBatches } from '../../shared/transport';
import { issuesOf } from '../../shared/types';

const show = showFor('event', 'validate');

/** The event an item carries: its JSON without what an earlier Belegfluss node added. */
function eventOf(item: INodeExecutionData): IDataObject {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { belegfluss, ...event } = item.json;
	return event;
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const profile = (this.getNodeParameter('profileId', 0, '') as string).trim();

	const outcomes = await callSidecarInBatches.call(this, {
		path: '/v1/validate',
		items: items.map(eventOf),
		fields: {
			...(profile ? { profile } : {}),
			store: options.raw.storeEvents !== false,
			quarantine: options.quarantineInvalidItems,
		},
		batchSize: options.batchSize,
		limits: options.limits,
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
	{
		displayName: 'Profile ID',
		name: 'profileId',
		type: 'string',
		default: '',
		placeholder: 'berlin-mitte',
		description:
			'Location profile to check the events against (tax system, accounts). Leave empty for the checks that need no profile.',
		displayOptions: { show },
	},
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

export const validateOperation: Operation = { hasInvalidOutput: true, execute };
