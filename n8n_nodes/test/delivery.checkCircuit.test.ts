import { describe, expect, it } from 'vitest';

import { expectStoppedAtItem } from './helpers/assertions';
import { executeContext, runNode } from './helpers/context';
import { recordedResults, recording, replay } from './helpers/recorded';
import { batchEndpoint } from './helpers/sidecar';
import deliveryCheckJson from './recorded/delivery-check.json';

const check = { resource: 'delivery', operation: 'checkCircuit' };

/**
 * Portal 1 answers well; portal 2 failed five times in a row, so its circuit is open. The last
 * item names no target at all.
 */
const recorded = recording(deliveryCheckJson);
const answers = recordedResults(recorded);
const targets = ['hubspot:1', 'hubspot:2', 'hubspot:1', ''];
const contacts = targets.map((_target, n) => ({
	json: { email: `kunde${n}@example.de`, belegfluss: { event_id: `canonical:${n}` } },
}));

function checkContext(items = contacts.slice(0, 3), continueOnFail = false) {
	return executeContext({
		parameters: { ...check, target: (itemIndex: number) => targets[itemIndex] },
		items,
		continueOnFail,
	});
}

describe('Delivery → Check Circuit', () => {
	it('lets items through on "Allowed" and parks those whose circuit is open on "Parked"', async () => {
		replay(recorded);
		const context = checkContext(contacts, true);

		const [allowed, parked] = await runNode(context);

		const delivery = (index: number) => ({
			target: answers[index].target,
			allowed: answers[index].allowed,
			state: answers[index].state,
			retry_at: answers[index].retry_at,
		});
		expect(allowed.slice(0, 2)).toEqual([
			{
				json: {
					...contacts[0].json,
					belegfluss: { event_id: 'canonical:0', delivery: delivery(0) },
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					...contacts[2].json,
					belegfluss: { event_id: 'canonical:2', delivery: delivery(2) },
				},
				pairedItem: { item: 2 },
			},
		]);
		expect(parked).toEqual([
			{
				json: {
					...contacts[1].json,
					belegfluss: { event_id: 'canonical:1', delivery: delivery(1) },
				},
				pairedItem: { item: 1 },
			},
		]);
		expect(delivery(1)).toMatchObject({ allowed: false, state: 'open' });
		expect(typeof delivery(1).retry_at).toBe('string');
		// The item without a target is a setup mistake: an error item, not a parked delivery.
		expect(allowed[2]).toMatchObject({
			json: { error: 'Item 3 was rejected by Belegfluss: schema.string_too_short' },
			pairedItem: { item: 3 },
		});
	});

	it('parks a half-open target whose single probe another worker holds', async () => {
		batchEndpoint('/v1/delivery/check', (item) => ({
			ok: true,
			target: item.target,
			allowed: false,
			state: 'half_open',
			retry_at: '2026-03-02T09:01:00+00:00',
		}));
		const context = checkContext(contacts.slice(0, 1));

		const [allowed, parked] = await runNode(context);

		expect(allowed).toEqual([]);
		expect(parked.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
	});

	it('stops the workflow at an item without a target unless continuing on fail', async () => {
		replay(recorded);

		await expectStoppedAtItem(runNode(checkContext(contacts)), 3, ['schema.string_too_short']);
	});
});
