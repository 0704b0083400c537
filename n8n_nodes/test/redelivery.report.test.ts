import { describe, expect, it } from 'vitest';

import { executeContext, runNode } from './helpers/context';
import { batchEndpoint } from './helpers/sidecar';

const outcomes = [
	{ ticketId: 'q_1', succeeded: true, statusCode: 200, errorMessage: '' },
	{ ticketId: 'q_2', succeeded: false, statusCode: 503, errorMessage: 'Service unavailable' },
	{ ticketId: 'q_3', succeeded: false, statusCode: 0, errorMessage: 'HubSpot circuit open' },
];

describe('Redelivery → Report Outcome', () => {
	it('reports all outcomes in one request and gives each ticket as it is now', async () => {
		const sidecar = batchEndpoint('/v1/redelivery/report', (item, index) => ({
			ok: true,
			ticket: { id: item.id, status: item.ok ? 'delivered' : index === 2 ? 'dead' : 'open' },
			dead_lettered: index === 2,
		}));
		const parameter = (name: keyof (typeof outcomes)[number]) => (itemIndex: number) =>
			outcomes[itemIndex][name];
		const context = executeContext({
			parameters: {
				resource: 'redelivery',
				operation: 'report',
				ticketId: parameter('ticketId'),
				succeeded: parameter('succeeded'),
				statusCode: parameter('statusCode'),
				errorMessage: parameter('errorMessage'),
			},
			items: outcomes.map(() => ({ json: {} })),
		});

		const [output] = await runNode(context);

		expect(sidecar.batches).toHaveLength(1);
		expect(sidecar.batches[0].body.items).toEqual([
			{ id: 'q_1', ok: true, status: 200 },
			{ id: 'q_2', ok: false, status: 503, error: 'Service unavailable' },
			{ id: 'q_3', ok: false, error: 'HubSpot circuit open' },
		]);
		expect(output.map((item) => item.json.dead_lettered)).toEqual([false, false, true]);
		expect(output[2]).toEqual({
			json: { ticket: { id: 'q_3', status: 'dead' }, dead_lettered: true },
			pairedItem: { item: 2 },
		});
	});
});
