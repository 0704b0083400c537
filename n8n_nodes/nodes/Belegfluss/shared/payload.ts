import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ItemOutcome } from './transport';

/** The value at a dotted path such as `body` or `body.data` of an item's JSON; the whole JSON for an empty path. */
export function valueAtPath(json: IDataObject, path: string): unknown {
	let value: unknown = json;
	for (const key of path.split('.').filter((part) => part.trim() !== '')) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as IDataObject)[key.trim()];
	}
	return value;
}

/** The object at a dotted path (see `valueAtPath`); `undefined` when it is not an object. */
export function objectAtPath(json: IDataObject, path: string): IDataObject | undefined {
	const value = valueAtPath(json, path);
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

/**
 * What an item sends from its "Payload Field": the object at that path, or for an empty field
 * the whole item without Belegfluss' notes. A missing object is rejected by the node itself,
 * naming the field, so the item can go to the Invalid output or the quarantine.
 */
export function preparePayload(
	json: IDataObject,
	field: string,
	fields?: IDataObject,
): PreparedItem {
	const payload = field ? objectAtPath(json, field) : withoutNotes(json);
	if (payload) return { payload, fields };
	return {
		outcome: localRejection(
			'node.payload_field_missing',
			`$.${field}`,
			`The item has no object in the field "${field}" (Payload Field)`,
		),
	};
}

/**
 * An item sent under its location profile (request field `profile`); an item whose "Profile
 * ID" is empty is rejected by the node itself instead of failing the whole request.
 */
export function prepareForProfile(
	payload: IDataObject,
	profile: string,
	fields: IDataObject = {},
): PreparedItem {
	if (profile) return { payload, fields: { ...fields, profile } };
	return {
		outcome: localRejection(
			'node.profile_missing',
			'$',
			'The item names no location profile (Profile ID is empty)',
		),
	};
}

/** An item the node rejects itself, before asking the sidecar (e.g. its payload field is missing). */
export function localRejection(code: string, path: string, message: string): ItemOutcome {
	return { answer: { index: -1, ok: false, errors: [{ code, path, message }] } };
}

/**
 * The item as it was, with what a Belegfluss node found under `belegfluss.<key>`, next to what
 * earlier Belegfluss nodes noted.
 */
export function withNotes(input: INodeExecutionData, key: string, notes: IDataObject): IDataObject {
	const earlierNotes = (input.json.belegfluss ?? {}) as IDataObject;
	return { ...input.json, belegfluss: { ...earlierNotes, [key]: notes } };
}

/** An item's own data: its JSON without the notes an earlier Belegfluss node attached. */
export function withoutNotes(json: IDataObject): IDataObject {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { belegfluss, ...data } = json;
	return data;
}

/**
 * What the node sends for one input item, with the request fields it needs (e.g. its location
 * profile), or the outcome it already knows without asking.
 */
export type PreparedItem =
	| { payload: IDataObject; fields?: IDataObject; outcome?: undefined }
	| { payload?: undefined; fields?: undefined; outcome: ItemOutcome };

/**
 * Sends only the items that have a payload, one `send` per distinct set of request fields (so
 * items of several locations still go in as few requests as possible), and puts the sidecar's
 * answers back in place, so the outcomes stay in input order. `prepared` holds one entry per
 * input item; `send` learns which input item each payload stands for (`itemIndexes`).
 */
export async function sendPrepared(
	prepared: PreparedItem[],
	send: (
		payloads: IDataObject[],
		fields: IDataObject,
		itemIndexes: number[],
	) => Promise<ItemOutcome[]>,
): Promise<ItemOutcome[]> {
	const groups = new Map<string, { fields: IDataObject; positions: number[] }>();
	prepared.forEach((entry, position) => {
		if (!entry.payload) return;
		const fields = entry.fields ?? {};
		const key = JSON.stringify(fields);
		const group = groups.get(key) ?? { fields, positions: [] };
		group.positions.push(position);
		groups.set(key, group);
	});
	const outcomes = prepared.map((entry) => entry.outcome);
	for (const { fields, positions } of groups.values()) {
		const payloads = positions.map((position) => prepared[position].payload as IDataObject);
		const answers = await send(payloads, fields, positions);
		positions.forEach((position, n) => (outcomes[position] = answers[n]));
	}
	return outcomes as ItemOutcome[];
}
