/**
 * Replays conversations recorded from the real sidecar (`test/recorded/*.json`, written by
 * `record_sidecar.py`): nock answers only a request whose method, path, query and JSON body
 * are exactly what the sidecar was sent, so a test fails when the node asks differently.
 */
import type { IDataObject } from 'n8n-workflow';
import nock from 'nock';

import { API_KEY, BASE_URL } from './context';

export interface Recording {
	request: {
		method: string;
		path: string;
		query: Record<string, string | number> | null;
		body: IDataObject | null;
	};
	response: {
		status: number;
		headers: Record<string, string>;
		json?: IDataObject;
		base64?: string;
	};
}

/** A recording as its test file imports it (`import book from './recorded/book.json'`). */
export function recording(json: unknown): Recording {
	return json as Recording;
}

/** The answer's bytes (a file) or JSON text, as the sidecar sent it. */
export function recordedBody({ response }: Recording): Buffer | IDataObject {
	return response.base64 !== undefined
		? Buffer.from(response.base64, 'base64')
		: (response.json ?? {});
}

/** The recorded per-item answers of a batch endpoint. */
export function recordedResults(recorded: Recording): IDataObject[] {
	return (recorded.response.json?.results ?? []) as IDataObject[];
}

/** A nock interceptor that answers the recorded request, once, with the recorded answer. */
export function replay(recorded: Recording): nock.Scope {
	const { request, response } = recorded;
	const scope = nock(BASE_URL, { reqheaders: { authorization: `Bearer ${API_KEY}` } });
	const interceptor = scope.intercept(
		request.path,
		request.method,
		request.body === null ? undefined : (request.body as nock.RequestBodyMatcher),
	);
	if (request.query) {
		interceptor.query(
			Object.fromEntries(Object.entries(request.query).map(([key, value]) => [key, String(value)])),
		);
	}
	return interceptor.reply(response.status, recordedBody(recorded), response.headers);
}

/** The item JSON the node sent for input item `index` of a recorded batch. */
export function recordedItem(recorded: Recording, index: number): IDataObject {
	return ((recorded.request.body?.items ?? []) as IDataObject[])[index];
}
