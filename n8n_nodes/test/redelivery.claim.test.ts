import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { BASE_URL, executeContext, runNode } from './helpers/context';

const claim = { resource: 'redelivery', operation: 'claim', worker: 'n8n execution 42', limit: 2 };
const ticket = (id: string) => ({
	id,
	status: 'open',
	stage: 'delivery',
	target: 'hubspot:cafe-berlin',
	event_id: `sumup:${id}`,
	payload: { id: `sumup:${id}`, location_id: 'cafe-berlin' },
	attempt_count: 1,
	max_attempts: 8,
});

describe('Redelivery → Claim Due Tickets', () => {
	it('claims once per run and puts out one item per leased ticket', async () => {
		const scope = nock(BASE_URL)
			.post('/v1/redelivery/claim', { worker: 'n8n execution 42', limit: 2 })
			.once()
			.reply(200, { tickets: [ticket('q_1'), ticket('q_2')] });
		// A Schedule Trigger gives one item; two input items must still claim only once.
		const context = executeContext({ parameters: claim, items: [{ json: {} }, { json: {} }] });

		const [output] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(output).toEqual([
			{ json: ticket('q_1'), pairedItem: { item: 0 } },
			{ json: ticket('q_2'), pairedItem: { item: 0 } },
		]);
	});

	it('puts out no item when nothing is due, so the rest of the workflow does not run', async () => {
		nock(BASE_URL).post('/v1/redelivery/claim').reply(200, { tickets: [] });
		const context = executeContext({ parameters: claim });

		const [output] = await runNode(context);

		expect(output).toEqual([]);
	});
});
