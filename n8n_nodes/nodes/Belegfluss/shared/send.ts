import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { NodeOptions } from './options';
import { type PreparedItem, sendPrepared } from './payload';
import { callSidecarInBatches, type ItemOutcome } from './transport';

/**
 * The usual way an operation talks to the sidecar: the prepared items, grouped by their fields
 * (one request per profile, say), in batches of the node's Batch Size, with its retry limits.
 * `fields` go into every request; `batchSize` overrides the option (batch dedup sends all at once).
 */
export async function sendPreparedToSidecar(
	this: IExecuteFunctions,
	path: string,
	prepared: PreparedItem[],
	options: NodeOptions,
	fields: IDataObject = {},
	batchSize?: (items: IDataObject[]) => number,
): Promise<ItemOutcome[]> {
	return sendPrepared(prepared, async (items, groupFields, itemIndexes) =>
		callSidecarInBatches.call(this, {
			path,
			items,
			itemIndexes,
			fields: { ...groupFields, ...fields },
			batchSize: batchSize ? batchSize(items) : options.batchSize,
			limits: options.limits,
		}),
	);
}
