import { NodeApiError } from 'n8n-workflow';
import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { BASE_URL, executeContext, runNode } from './helpers/context';

const get = { resource: 'profile', operation: 'get', profileId: 'berlin-mitte' };
const berlin = { id: 'berlin-mitte', chart: 'SKR03', crm: { base_url: 'http://hubspot.test' } };

describe('Profile → Get', () => {
	it('reads the profile once and gives it to every item', async () => {
		const scope = nock(BASE_URL).get('/v1/profiles/berlin-mitte').once().reply(200, berlin);
		const context = executeContext({
			parameters: get,
			items: [{ json: {} }, { json: {} }, { json: {} }],
		});

		const [output] = await runNode(context);

		expect(output).toEqual([0, 1, 2].map((item) => ({ json: berlin, pairedItem: { item } })));
		expect(scope.isDone()).toBe(true);
	});

	it('raises a NodeApiError for an unknown profile', async () => {
		nock(BASE_URL)
			.get('/v1/profiles/nowhere')
			.reply(404, { error: { code: 'profile.not_found', message: 'No profile "nowhere"' } });
		const context = executeContext({ parameters: { ...get, profileId: 'nowhere' } });

		const error = await runNode(context).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('404');
		expect((error as NodeApiError).message).toBe('profile.not_found: No profile "nowhere"');
	});

	it('returns an error item per failed item when the node continues on fail', async () => {
		nock(BASE_URL)
			.get('/v1/profiles/nowhere')
			.reply(404, { error: { code: 'profile.not_found', message: 'No profile' } });
		nock(BASE_URL).get('/v1/profiles/berlin-mitte').reply(200, berlin);
		const context = executeContext({
			parameters: {
				...get,
				profileId: (itemIndex: number) => (itemIndex === 0 ? 'nowhere' : 'berlin-mitte'),
			},
			items: [{ json: {} }, { json: {} }],
			continueOnFail: true,
		});

		const [output] = await runNode(context);

		expect(output[0].json).toEqual({ error: 'profile.not_found: No profile' });
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[1]).toEqual({ json: berlin, pairedItem: { item: 1 } });
	});
});
