import type { IDataObject } from 'n8n-workflow';

import type { ItemOutcome } from './transport';

/**
 * The value at a dotted path such as `body` or `body.data` of an item's JSON; the whole JSON
 * for an empty path. `undefined` when the path leads nowhere or not to an object.
 */
export function objectAtPath(json: IDataObject, path: string): IDataObject | undefined {
	let value: unknown = json;
	for (const key of path.split('.').filter((part) => part.trim() !== '')) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as IDataObject)[key.trim()];
	}
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

/** An item the node rejects itself, before asking the sidecar (e.g. its payload field is missing). */
export function localRejection(code: string, path: string, message: string): ItemOutcome {
	return { answer: { index: -1, ok: false, errors: [{ code, path, message }] } };
}

/** What the node sends for one input item, or the outcome it already knows without asking. */
export type PreparedItem =
	| { payload: IDataObject; outcome?: undefined }
	| { payload?: undefined; outcome: ItemOutcome };

/**
 * Sends only the items that have a payload and puts the sidecar's answers back in place, so the
 * outcomes stay in input order.
 */
export async function sendPrepared(
	prepared: PreparedItem[],
	send: (payloads: IDataObject[]) => Promise<ItemOutcome[]>,
): Promise<ItemOutcome[]> {
	const payloads = prepared.flatMap((entry) => (entry.payload ? [entry.payload] : []));
	const answers = payloads.length > 0 ? await send(payloads) : [];
	let next = 0;
	return prepared.map((entry) => entry.outcome ?? answers[next++]);
}
