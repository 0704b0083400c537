/**
 * The one way the node talks to the Belegfluss sidecar: authenticated through the
 * `belegflussApi` credential, batched, retried when the sidecar is busy.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { nextRetryDelayMs, RETRYABLE_STATUS_CODES, type RetryLimits } from './retry';
import type { ItemAnswer } from './types';

export const BELEGFLUSS_CREDENTIAL_TYPE = 'belegflussApi';

export interface SidecarRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL of the credential, e.g. `/v1/map`. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
}

interface FullResponse {
	statusCode: number;
	headers?: Record<string, unknown>;
	body?: unknown;
}

/** What one input item got back from a batch call. */
export type ItemOutcome =
	| { answer: ItemAnswer; failure?: undefined }
	/** The request carrying this item failed and the node is set to continue on fail. */
	| { answer?: undefined; failure: NodeApiError };

export interface BatchCall {
	path: string;
	/** One entry per input item, sent as the request's `items`. */
	items: IDataObject[];
	/**
	 * The node's input item each entry of `items` stands for, so that errors name it; by default
	 * its position (every input item sent, in order).
	 */
	itemIndexes?: readonly number[];
	/** Further request fields, the same for every batch (e.g. `source`, `quarantine`). */
	fields?: IDataObject;
	batchSize: number;
	limits: RetryLimits;
}

async function sidecarUrl(this: IExecuteFunctions, path: string): Promise<string> {
	const credentials = await this.getCredentials(BELEGFLUSS_CREDENTIAL_TYPE);
	return `${String(credentials.baseUrl).replace(/\/+$/, '')}${path}`;
}

/** An error answer as JSON; a file download gets it as bytes, which are read as JSON text. */
function jsonBodyOf(body: unknown): JsonObject {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
	if (typeof text === 'string') {
		try {
			const parsed: unknown = JSON.parse(text);
			if (typeof parsed === 'object' && parsed !== null) return parsed as JsonObject;
		} catch {
			// Not JSON (e.g. a proxy's HTML error page): keep it as the message.
		}
		return { message: text };
	}
	return (typeof text === 'object' && text !== null ? text : { message: '' }) as JsonObject;
}

function errorFromAnswer(
	this: IExecuteFunctions,
	response: FullResponse,
	attempts: number,
	itemIndex: number | undefined,
): NodeApiError {
	const body = jsonBodyOf(response.body);
	const sidecarError = (body.error ?? {}) as JsonObject;
	const code = typeof sidecarError.code === 'string' ? sidecarError.code : undefined;
	const message =
		typeof sidecarError.message === 'string'
			? sidecarError.message
			: `Belegfluss answered HTTP ${response.statusCode}`;
	const retried = attempts > 1 ? ` Gave up after ${attempts} attempts.` : '';
	const error = new NodeApiError(this.getNode(), body, {
		httpCode: String(response.statusCode),
		message: code ? `${code}: ${message}` : message,
		description: `The Belegfluss sidecar answered HTTP ${response.statusCode}.${retried}`,
		itemIndex,
	});
	if (code) error.context.sidecarCode = code;
	return error;
}

/** The sidecar's stable error code (e.g. `datev.nothing_to_export`) of a failed request, if any. */
export function sidecarErrorCode(error: unknown): string | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const code = error.context.sidecarCode;
	return typeof code === 'string' ? code : undefined;
}

/**
 * Sends one request and answers the full response. Retries 429/502/503/504 with exponential
 * backoff and jitter, honouring `Retry-After`, within the attempt and time limits; any other
 * failure, or the last busy answer, raises a `NodeApiError`.
 */
async function sendWithRetries(
	this: IExecuteFunctions,
	request: SidecarRequest,
	limits: RetryLimits,
	itemIndex: number | undefined,
	asFile: boolean,
): Promise<FullResponse> {
	const options: IHttpRequestOptions = {
		method: request.method,
		url: await sidecarUrl.call(this, request.path),
		body: request.body,
		qs: request.qs,
		json: true,
		// A file keeps its bytes as they are (DATEV files are cp1252, not UTF-8).
		...(asFile ? { encoding: 'arraybuffer' as const } : {}),
		// Status codes are judged here, so that busy answers can be retried.
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	const startedAtMs = Date.now();
	for (let attempt = 1; ; attempt++) {
		let response: FullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				BELEGFLUSS_CREDENTIAL_TYPE,
				options,
			)) as FullResponse;
		} catch (error) {
			throw new NodeApiError(this.getNode(), error as JsonObject, { itemIndex });
		}
		if (response.statusCode < 400) return response;

		const delayMs = RETRYABLE_STATUS_CODES.has(response.statusCode)
			? nextRetryDelayMs(
					{
						attempt,
						startedAtMs,
						nowMs: Date.now(),
						retryAfterHeader: response.headers?.['retry-after'],
					},
					limits,
				)
			: undefined;
		if (delayMs === undefined) throw errorFromAnswer.call(this, response, attempt, itemIndex);
		await sleep(delayMs);
	}
}

/** Sends one request (retried when the sidecar is busy) and answers its JSON body. */
export async function callSidecar(
	this: IExecuteFunctions,
	request: SidecarRequest,
	limits: RetryLimits,
	itemIndex?: number,
): Promise<IDataObject> {
	const response = await sendWithRetries.call(this, request, limits, itemIndex, false);
	return (response.body ?? {}) as IDataObject;
}

/** A file the sidecar answered: its bytes and the response headers (lower-case names). */
export interface SidecarFile {
	data: Buffer;
	headers: Record<string, unknown>;
}

/** Sends one request (retried when the sidecar is busy) whose answer is a file. */
export async function downloadFromSidecar(
	this: IExecuteFunctions,
	request: SidecarRequest,
	limits: RetryLimits,
	itemIndex?: number,
): Promise<SidecarFile> {
	const response = await sendWithRetries.call(this, request, limits, itemIndex, true);
	const body = response.body;
	const data = Buffer.isBuffer(body)
		? body
		: body instanceof ArrayBuffer
			? Buffer.from(body)
			: Buffer.from(String(body ?? ''), 'latin1');
	const headers = Object.fromEntries(
		Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
	);
	return { data, headers };
}

/**
 * Sends all items in batches of `batchSize` and answers one outcome per item, in input order.
 * The sidecar numbers its answers by `index` within a batch; they are mapped back to the
 * position of the item in `items`, and errors name the node's input item (`itemIndexes`).
 */
export async function callSidecarInBatches(
	this: IExecuteFunctions,
	call: BatchCall,
): Promise<ItemOutcome[]> {
	const inputIndexOf = (position: number) => call.itemIndexes?.[position] ?? position;
	const outcomes: ItemOutcome[] = [];
	for (let offset = 0; offset < call.items.length; offset += call.batchSize) {
		const batch = call.items.slice(offset, offset + call.batchSize);
		const firstItemIndex = inputIndexOf(offset);
		let body: IDataObject;
		try {
			body = await callSidecar.call(
				this,
				{ method: 'POST', path: call.path, body: { ...call.fields, items: batch } },
				call.limits,
				firstItemIndex,
			);
		} catch (error) {
			// A NodeApiError comes back as it is; anything else is wrapped, naming the batch's first item.
			const failure = new NodeApiError(this.getNode(), error as JsonObject, {
				itemIndex: firstItemIndex,
			});
			if (!this.continueOnFail()) throw failure;
			for (let i = 0; i < batch.length; i++) outcomes.push({ failure });
			continue;
		}
		outcomes.push(
			...answersInInputOrder.call(this, body, batch.length, (i) => inputIndexOf(offset + i)),
		);
	}
	return outcomes;
}

function answersInInputOrder(
	this: IExecuteFunctions,
	body: IDataObject,
	batchLength: number,
	inputIndexOf: (positionInBatch: number) => number,
): ItemOutcome[] {
	const results = Array.isArray(body.results) ? (body.results as ItemAnswer[]) : [];
	const ordered: ItemOutcome[] = new Array(batchLength);
	for (const answer of results) {
		if (Number.isInteger(answer.index) && answer.index >= 0 && answer.index < batchLength) {
			ordered[answer.index] = { answer };
		}
	}
	for (let i = 0; i < batchLength; i++) {
		if (ordered[i] === undefined) {
			const itemIndex = inputIndexOf(i);
			throw new NodeApiError(this.getNode(), body as JsonObject, {
				message: `The Belegfluss sidecar sent no answer for item ${itemIndex}`,
				description: `It answered ${results.length} results for a batch of ${batchLength} items.`,
				itemIndex,
			});
		}
	}
	return ordered;
}
