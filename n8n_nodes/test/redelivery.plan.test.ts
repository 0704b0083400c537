import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { expectStoppedAtItem } from './helpers/assertions';
import { BASE_URL, executeContext, runNode } from './helpers/context';
import { sidecarIssue } from './helpers/sidecar';

const plan = { resource: 'redelivery', operation: 'plan', ticketId: '={{ $json.id }}' };

/** Claimed tickets as Claim Due Tickets puts them out. */
const claimed = ['q_1', 'q_2', 'q_3', 'q_4', 'q_5'].map((id) => ({
	json: { id, stage: 'delivery', target: 'hubspot:cafe-berlin', claimed_by: 'n8n execution 7' },
}));

/**
 * A stand-in for `/v1/redelivery/plan`: q_1, q_3 and q_5 go out in one HubSpot batch (listed in
 * another order than the items), q_2's circuit is open, q_4's sale names no customer. A ticket
 * named "q_gone" is none this run claimed.
 */
function planSidecar() {
	const bodies: Array<{ items: Array<{ id: string }> }> = [];
	nock(BASE_URL)
		.post('/v1/redelivery/plan')
		.reply(200, async (request: Request) => {
			const body = (await request.json()) as { items: Array<{ id: string }> };
			bodies.push(body);
			const results = body.items.map(({ id }, index) => {
				if (id === 'q_gone') {
					return { index, ok: false, errors: [sidecarIssue('redelivery.not_claimed', '$.id')] };
				}
				const ticket = {
					index,
					ok: true,
					ticket_id: id,
					event_id: `sumup:${id}`,
					target: 'hubspot:cafe-berlin',
				};
				if (id === 'q_2')
					return { ...ticket, delivery: 'not_now', reason: 'HubSpot circuit open until 12:00' };
				if (id === 'q_4')
					return { ...ticket, delivery: 'none', reason: 'The sale names no customer' };
				return { ...ticket, delivery: 'planned', golden_id: `g_${id}` };
			});
			const planned = ['q_5', 'q_1', 'q_3'].filter((id) =>
				body.items.some((item) => item.id === id),
			);
			const deliveries = [
				{
					target: 'hubspot:cafe-berlin',
					base_url: 'https://api.hubapi.com',
					event_ids: planned.map((id) => `sumup:${id}`),
					ticket_ids: planned,
					upsert_body: '{"inputs":[]}',
					notes: [],
				},
			];
			return { results, deliveries };
		});
	return bodies;
}

function context(items: typeof claimed, continueOnFail = false) {
	return executeContext({
		parameters: {
			...plan,
			ticketId: (itemIndex: number) => items[itemIndex].json.id,
			claimedBy: (itemIndex: number) => items[itemIndex].json.claimed_by ?? '',
		},
		items,
		continueOnFail,
	});
}

describe('Redelivery → Plan HubSpot Batches', () => {
	it('plans all claimed tickets in one request: batches first, tickets that cannot go now second', async () => {
		const bodies = planSidecar();

		const [batches, notNow] = await runNode(context(claimed));

		// Each ticket with its lease holder: the sidecar refuses one another run holds by now.
		expect(bodies).toEqual([
			{ items: claimed.map(({ json }) => ({ id: json.id, claimed_by: 'n8n execution 7' })) },
		]);
		expect(batches).toHaveLength(1);
		expect(batches[0].json.ticket_ids).toEqual(['q_5', 'q_1', 'q_3']);
		expect(batches[0].json.upsert_body).toBe('{"inputs":[]}');
		expect(batches[0].pairedItem).toEqual([{ item: 0 }, { item: 2 }, { item: 4 }]);
		expect(notNow).toEqual([
			{
				json: {
					ticket_id: 'q_2',
					event_id: 'sumup:q_2',
					target: 'hubspot:cafe-berlin',
					delivery: 'not_now',
					reason: 'HubSpot circuit open until 12:00',
				},
				pairedItem: { item: 1 },
			},
			{
				json: {
					ticket_id: 'q_4',
					event_id: 'sumup:q_4',
					target: 'hubspot:cafe-berlin',
					delivery: 'none',
					reason: 'The sale names no customer',
				},
				pairedItem: { item: 3 },
			},
		]);
	});

	it('stops at a ticket this run did not claim, naming it', async () => {
		planSidecar();
		const items = [claimed[0], { json: { ...claimed[1].json, id: 'q_gone' } }];

		await expectStoppedAtItem(runNode(context(items)), 1, ['redelivery.not_claimed']);
	});

	it('puts a ticket it did not claim out as an error item on Not Now when the node continues on fail', async () => {
		planSidecar();
		const items = [claimed[0], { json: { ...claimed[1].json, id: 'q_gone' } }];

		const [batches, notNow] = await runNode(context(items, true));

		// Nothing for HubSpot: the error item must not reach the CRM path.
		expect(batches.map((item) => item.pairedItem)).toEqual([[{ item: 0 }]]);
		expect(notNow.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(notNow[0].json.error).toBe('Item 1 was rejected by Belegfluss: redelivery.not_claimed');
	});

	it('asks nothing when no ticket was claimed', async () => {
		const [batches, notNow] = await runNode(context([]));

		expect([batches, notNow]).toEqual([[], []]);
	});
});
