import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

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
import { preparePayload } from '../../shared/payload';

const show = showFor('event', 'map');

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const source = this.getNodeParameter('source', 0) as string;

	const prepared = items.map((item, itemIndex) =>
		preparePayload(
			item.json,
			(this.getNodeParameter('payloadField', itemIndex, '') as string).trim(),
		),
	);
	const outcomes = await sendPreparedToSidecar.call(this, '/v1/map', prepared, options, {
		source,
		quarantine: options.quarantineInvalidItems,
	});
	return splitAcceptedAndRejected.call(
		this,
		items,
		outcomes,
		(answer) => (answer.event ?? {}) as IDataObject,
		options.onInvalidItems,
	);
}

export const mapDescription: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Canonical Event',
				value: 'canonical',
				description: 'The payload already is a Belegfluss event; it is only checked',
			},
			{ name: 'Shopify', value: 'shopify', description: 'An order from Shopify POS' },
			{ name: 'Square', value: 'square', description: 'A payment or order from Square' },
			{ name: 'SumUp', value: 'sumup', description: 'A transaction from SumUp' },
		],
		default: 'sumup',
		description: 'The POS the payloads come from',
		displayOptions: { show },
	},
	{
		displayName: 'Payload Field',
		name: 'payloadField',
		type: 'string',
		default: '',
		placeholder: 'body',
		description:
			'Field of the input item that holds the POS payload, e.g. "body" for items from a Webhook node. Leave empty to send the whole item (without the notes of an earlier Belegfluss node).',
		displayOptions: { show },
	},
	optionsCollection(show, [
		batchSizeOption,
		maxAttemptsOption,
		maxRetryTimeOption,
		onInvalidItemsOption,
		quarantineInvalidItemsOption,
	]),
];

export const mapOperation: Operation = { outputs: VALID_INVALID_OUTPUTS, execute };
