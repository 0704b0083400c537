/**
 * nock stand-ins for the Belegfluss sidecar's batch endpoints, recording every request body.
 */
import type { IDataObject } from 'n8n-workflow';
import nock from 'nock';

import { API_KEY, BASE_URL } from './context';

export interface RecordedBatch {
	body: IDataObject & { items: IDataObject[] };
}

type ItemAnswer = (item: IDataObject, index: number) => IDataObject;

/**
 * Answers every POST to `path` per item with `answer(item)`, in REVERSED order, so that the
 * node must map answers back by `index` and not by position.
 */
export function batchEndpoint(path: string, answer: ItemAnswer) {
	const batches: RecordedBatch[] = [];
	const scope = nock(BASE_URL, { reqheaders: { authorization: `Bearer ${API_KEY}` } })
		.persist()
		.post(path)
		.reply(200, async (request: Request) => {
			const body = (await request.json()) as RecordedBatch['body'];
			batches.push({ body });
			const results = body.items.map((item, index) => ({ index, ...answer(item, index) }));
			return { results: results.reverse() };
		});
	return { scope, batches };
}

export function sidecarIssue(code: string, path = '$.total'): IDataObject {
	return { code, path, message: `Problem ${code}`, value: null };
}
