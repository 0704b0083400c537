/**
 * The node's "Options" collection: the same knobs, with the same names and defaults, on every
 * operation that calls the sidecar.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { RetryLimits } from './retry';

export type InvalidItemHandling = 'routeToInvalidOutput' | 'stopWorkflow';

export const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_MAX_RETRY_TIME_SECONDS = 120;

export const batchSizeOption: INodeProperties = {
	displayName: 'Batch Size',
	name: 'batchSize',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 5000 },
	default: DEFAULT_BATCH_SIZE,
	description:
		'How many items go to Belegfluss in one request. All input items are sent, batch by batch.',
};

export const parallelRequestsOption: INodeProperties = {
	displayName: 'Parallel Requests',
	name: 'parallelRequests',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 8 },
	default: 1,
	description:
		'How many POS sources send their batches to Belegfluss at the same time. The batches of one source always go one after the other, since a sale is checked against the sales stored before it.',
};

export const maxAttemptsOption: INodeProperties = {
	displayName: 'Max Attempts',
	name: 'maxAttempts',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_MAX_ATTEMPTS,
	description:
		'How often a request is tried when Belegfluss is busy (HTTP 429, 502, 503, 504), the first try included. Waits grow exponentially and follow the Retry-After header.',
};

export const maxRetryTimeOption: INodeProperties = {
	displayName: 'Max Retry Time (Seconds)',
	name: 'maxRetryTime',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: DEFAULT_MAX_RETRY_TIME_SECONDS,
	description:
		'Seconds a request may take including all its retries. The node gives up earlier rather than wait beyond this.',
};

export const onInvalidItemsOption: INodeProperties = {
	displayName: 'On Invalid Items',
	name: 'onInvalidItems',
	type: 'options',
	options: [
		{
			name: 'Route to Invalid Output',
			value: 'routeToInvalidOutput',
			description: 'Invalid items go to the second output, with the errors Belegfluss found',
		},
		{
			name: 'Stop Workflow',
			value: 'stopWorkflow',
			description: 'The first invalid item stops the workflow with an error naming it',
		},
	],
	default: 'routeToInvalidOutput',
	description: 'What happens to items Belegfluss rejects',
};

export const quarantineInvalidItemsOption: INodeProperties = {
	displayName: 'Quarantine Invalid Items',
	name: 'quarantineInvalidItems',
	type: 'boolean',
	default: false,
	description:
		'Whether Belegfluss keeps each invalid item as a quarantine ticket right away. The ticket ID is in belegfluss.ticket_id of the invalid item.',
};

/** The "Options" collection for one operation, its entries sorted by name as n8n shows them. */
export function optionsCollection(
	show: { resource: string[]; operation: string[] },
	options: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [...options].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

export interface NodeOptions {
	batchSize: number;
	parallelRequests: number;
	limits: RetryLimits;
	onInvalidItems: InvalidItemHandling;
	quarantineInvalidItems: boolean;
	/** Options only some operations have, as the user set them. */
	raw: IDataObject;
}

/** Reads the "Options" collection once for the whole run (options do not vary per item). */
export function readOptions(this: IExecuteFunctions): NodeOptions {
	const raw = this.getNodeParameter('options', 0, {}) as IDataObject;
	return {
		batchSize: Math.max(1, Math.floor(Number(raw.batchSize ?? DEFAULT_BATCH_SIZE))),
		parallelRequests: Math.max(1, Math.floor(Number(raw.parallelRequests ?? 1))),
		limits: {
			maxAttempts: Math.max(1, Math.floor(Number(raw.maxAttempts ?? DEFAULT_MAX_ATTEMPTS))),
			maxRetryTimeSeconds: Math.max(0, Number(raw.maxRetryTime ?? DEFAULT_MAX_RETRY_TIME_SECONDS)),
		},
		onInvalidItems: (raw.onInvalidItems as InvalidItemHandling) ?? 'routeToInvalidOutput',
		quarantineInvalidItems: raw.quarantineInvalidItems === true,
		raw,
	};
}
