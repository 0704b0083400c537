import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { BelegflussApi } from '../credentials/BelegflussApi.credentials';
import {
	API_KEY,
	authenticationHeaders,
	BASE_URL,
	resolveCredentialTemplate,
} from './helpers/context';

const credential = new BelegflussApi();

/** Runs the credential's test request the way n8n does when the user clicks "Test". */
async function testCredential(values: { baseUrl: string; apiKey: string }): Promise<number> {
	const request = credential.test.request;
	const baseUrl = resolveCredentialTemplate(String(request.baseURL), values);
	const response = await fetch(new URL(String(request.url), baseUrl), {
		method: request.method,
		headers: authenticationHeaders(values),
	});
	return response.status;
}

describe('Belegfluss API credential', () => {
	it('is the credential the node and templates refer to', () => {
		expect(credential.name).toBe('belegflussApi');
		expect(credential.properties.map((property) => property.name)).toEqual(['baseUrl', 'apiKey']);
	});

	it('keeps the API key hidden', () => {
		const apiKey = credential.properties.find((property) => property.name === 'apiKey');
		expect(apiKey?.typeOptions?.password).toBe(true);
	});

	it('sends the key as a Bearer token', () => {
		expect(authenticationHeaders({ baseUrl: BASE_URL, apiKey: 'k1' })).toEqual({
			Authorization: 'Bearer k1',
		});
	});

	it('tests against an endpoint that checks the key, not the open health check', () => {
		expect(credential.test.request).toMatchObject({ method: 'GET', url: '/v1/auth/check' });
	});

	it('passes with a key the sidecar accepts and fails with one it does not know', async () => {
		nock(BASE_URL)
			.persist()
			.get('/v1/auth/check')
			.reply((request: Request) =>
				request.headers.get('authorization') === `Bearer ${API_KEY}`
					? [200, { ok: true, key_id: 'k_1', role: 'workflow' }]
					: [401, { error: { code: 'auth.invalid_key', message: 'Unknown API key' } }],
			);

		expect(await testCredential({ baseUrl: BASE_URL, apiKey: API_KEY })).toBe(200);
		expect(await testCredential({ baseUrl: BASE_URL, apiKey: 'wrong' })).toBe(401);
	});
});
