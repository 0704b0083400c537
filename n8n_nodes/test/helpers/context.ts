/**
 * A mocked n8n execution context whose `httpRequestWithAuthentication` does real HTTP (with
 * fetch), applying the Belegfluss credential's own `authenticate` block, so nock sees exactly
 * what n8n would send.
 */
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';
import { vi } from 'vitest';
import { mockDeep } from 'vitest-mock-extended';

import { BelegflussApi } from '../../credentials/BelegflussApi.credentials';

export const BASE_URL = 'http://belegfluss.test:8000';
export const API_KEY = 'bf_live_test_key';

const credentials = { baseUrl: `${BASE_URL}/`, apiKey: API_KEY };

/** Resolves a `={{$credentials.x}}` template of the credential as n8n would. */
export function resolveCredentialTemplate(
	template: string,
	values: Record<string, string>,
): string {
	return template
		.replace(/^=/, '')
		.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_match, key: string) => values[key]);
}

/** The headers the credential's `authenticate` block adds to every request. */
export function authenticationHeaders(values: Record<string, string> = credentials) {
	const headers = new BelegflussApi().authenticate.properties.headers ?? {};
	return Object.fromEntries(
		Object.entries(headers).map(([name, template]) => [
			name,
			resolveCredentialTemplate(String(template), values),
		]),
	);
}

/** What n8n's `httpRequest` answers with `returnFullResponse`, done over real HTTP. */
export async function httpRequestLikeN8n(options: IHttpRequestOptions): Promise<unknown> {
	const url = new URL(options.url);
	for (const [key, value] of Object.entries(options.qs ?? {})) {
		if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
	}
	const response = await fetch(url, {
		method: options.method ?? 'GET',
		headers: {
			...authenticationHeaders(),
			...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
		},
		body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
	});
	let body: unknown;
	if (options.encoding === 'arraybuffer') {
		// As axios does in Node: the raw bytes, whatever the content type says.
		body = Buffer.from(await response.arrayBuffer());
	} else {
		const text = await response.text();
		const isJson = (response.headers.get('content-type') ?? '').includes('json');
		body = isJson && text ? JSON.parse(text) : text;
	}
	if (response.status >= 400 && !options.ignoreHttpStatusErrors) {
		throw Object.assign(new Error(`Request failed with status code ${response.status}`), {
			httpCode: String(response.status),
		});
	}
	if (!options.returnFullResponse) return body;
	return {
		statusCode: response.status,
		statusMessage: response.statusText,
		headers: Object.fromEntries(response.headers.entries()),
		body,
	};
}

export type Parameters = Record<string, unknown | ((itemIndex: number) => unknown)>;

export interface ContextSetup {
	parameters: Parameters;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	previousNode?: string;
}

export const NODE: INode = {
	id: 'a1b2c3',
	name: 'Belegfluss',
	type: 'n8n-nodes-belegfluss.belegfluss',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export function executeContext(setup: ContextSetup) {
	const context = mockDeep<IExecuteFunctions>();
	const items = setup.items ?? [{ json: {} }];
	context.getInputData.mockReturnValue(items);
	context.getNode.mockReturnValue(NODE);
	context.continueOnFail.mockReturnValue(setup.continueOnFail ?? false);
	context.getExecutionId.mockReturnValue('exec-42');
	context.getWorkflow.mockReturnValue({ id: 'wf-1', name: 'POS sale', active: true });
	context.getInputSourceData.mockReturnValue({
		previousNode: setup.previousNode ?? 'Validate sale',
		previousNodeOutput: 1,
		previousNodeRun: 0,
	});
	context.getCredentials.mockResolvedValue(credentials);
	const getNodeParameter = (name: string, itemIndex: number, fallback?: unknown) => {
		const value = setup.parameters[name];
		const resolved = typeof value === 'function' ? value(itemIndex) : value;
		return resolved === undefined ? fallback : resolved;
	};
	context.getNodeParameter.mockImplementation(
		getNodeParameter as unknown as IExecuteFunctions['getNodeParameter'],
	);
	context.helpers.prepareBinaryData.mockImplementation(preparedBinaryData);
	context.helpers.httpRequestWithAuthentication.mockImplementation(
		async (credentialType: string, options: IHttpRequestOptions) => {
			if (credentialType !== 'belegflussApi') {
				throw new Error(`Unexpected credential type ${credentialType}`);
			}
			return await httpRequestLikeN8n(options);
		},
	);
	return context;
}

/** What n8n's `prepareBinaryData` makes of a file in its default (in-memory) binary mode. */
export const preparedBinaryData: IExecuteFunctions['helpers']['prepareBinaryData'] = async (
	data,
	fileName,
	mimeType,
): Promise<IBinaryData> => {
	if (!Buffer.isBuffer(data)) throw new Error('The Belegfluss node hands files over as a Buffer');
	return {
		data: data.toString('base64'),
		mimeType: mimeType ?? 'application/octet-stream',
		fileName,
		fileExtension: fileName?.split('.').pop(),
		fileSize: `${data.length} B`,
	};
};

/** `count` input items, each with a `receipt` number so order can be checked. */
export function receipts(count: number): INodeExecutionData[] {
	return Array.from({ length: count }, (_, index) => ({
		json: { receipt: `R-${index}`, total: '10.00' } as IDataObject,
	}));
}

/** The waits (ms) the node asked n8n's `sleep` for. */
export function recordedSleeps(): number[] {
	return vi.mocked(sleep).mock.calls.map(([ms]) => ms);
}

/** Runs the Belegfluss node's `execute` in the given context. */
export async function runNode(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { Belegfluss } = await import('../../nodes/Belegfluss/Belegfluss.node');
	return await new Belegfluss().execute.call(context);
}
