import { describe, expect, it } from 'vitest';

import { executeContext, runNode } from './helpers/context';
import { recordedItem, recordedResults, recording, replay } from './helpers/recorded';
import { batchEndpoint } from './helpers/sidecar';
import dedupBatchJson from './recorded/dedup-batch.json';
import dedupResolveJson from './recorded/dedup-resolve.json';

const dedup = {
	resource: 'customer',
	operation: 'dedup',
	mode: 'resolve',
	payloadField: 'customer',
};

/**
 * Jürgen from HubSpot (known from SumUp: a match), Lara Becker (same family address as Lena:
 * review) and a record whose e-mails are not a list, as the sidecar resolved them.
 */
const resolve = recording(dedupResolveJson);
const [juergen, lara, broken] = [0, 1, 2].map((index) => recordedItem(resolve, index));
const resolved = recordedResults(resolve);

function sale(customer: object, notes?: object) {
	return {
		json: { id: 'canonical:cafe-K1-1001', customer, ...(notes ? { belegfluss: notes } : {}) },
	};
}

describe('Customer → Dedup', () => {
	it('resolves the customer field of each item and keeps earlier notes next to the answer', async () => {
		const scope = replay(resolve);
		const validated = { event_id: 'canonical:cafe-K1-1001', stored: 'new', warnings: [] };
		const items = [sale(juergen, validated), sale(lara), sale(broken)];
		const context = executeContext({ parameters: dedup, items });

		const [valid, invalid] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(valid).toHaveLength(2);
		expect(valid[0]).toEqual({
			json: {
				...items[0].json,
				belegfluss: {
					...validated,
					dedup: {
						golden_id: resolved[0].golden_id,
						decision: 'match',
						score: resolved[0].score,
						reasons: resolved[0].reasons,
						record_id: resolved[0].record_id,
						replay: false,
						review_ids: [],
					},
				},
			},
			pairedItem: { item: 0 },
		});
		expect(valid[1].json.belegfluss).toEqual({
			dedup: expect.objectContaining({ decision: 'review', review_ids: resolved[1].review_ids }),
		});
		expect(invalid).toEqual([
			{
				json: {
					...items[2].json,
					belegfluss: { errors: resolved[2].errors, warnings: [], ticket_id: null },
				},
				pairedItem: { item: 2 },
			},
		]);
	});

	it('sends the whole item without notes when no customer field is named', async () => {
		const scope = replay(resolve);
		const items = [juergen, lara, broken].map((customer) => ({
			json: { ...customer, belegfluss: { stored: 'new' } },
		}));
		const context = executeContext({ parameters: { ...dedup, payloadField: '' }, items });

		await runNode(context);

		expect(scope.isDone()).toBe(true);
	});

	it('compares the items among themselves in one request and names matches by input item', async () => {
		const batch = recording(dedupBatchJson);
		const [anna, peter, annaAgain] = [0, 1, 2].map((index) => recordedItem(batch, index));
		const scope = replay(batch);
		// A first item without a customer is rejected by the node, so the request positions
		// (0, 1, 2) are input items 1, 2, 3.
		const items = [{ json: { id: 'no customer' } }, sale(anna), sale(peter), sale(annaAgain)];
		const context = executeContext({
			parameters: { ...dedup, mode: 'batch', options: { batchSize: 1 } },
			items,
		});

		const [valid, invalid] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(invalid.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		const answers = valid.map((item) => [
			item.pairedItem,
			(item.json.belegfluss as { dedup: Record<string, unknown> }).dedup,
		]);
		expect(answers).toEqual([
			[{ item: 1 }, expect.objectContaining({ cluster_id: 'cluster-0', matched_index: 3 })],
			[{ item: 2 }, expect.objectContaining({ cluster_id: 'cluster-1', matched_index: null })],
			[{ item: 3 }, expect.objectContaining({ cluster_id: 'cluster-0', matched_index: 1 })],
		]);
	});

	it('sends the profile whose identity settings apply, per profile in resolve mode', async () => {
		const sidecar = batchEndpoint('/v1/dedup', () => ({ ok: true, decision: 'new' }));
		const profiles = ['cafe-berlin', 'shop-hamburg', ''];
		const context = executeContext({
			parameters: { ...dedup, profileId: (itemIndex: number) => profiles[itemIndex] },
			items: [sale({ name: 'A' }), sale({ name: 'B' }), sale({ name: 'C' })],
		});

		await runNode(context);

		expect(sidecar.batches.map(({ body }) => [body.mode, body.profile, body.items])).toEqual([
			['resolve', 'cafe-berlin', [{ name: 'A' }]],
			['resolve', 'shop-hamburg', [{ name: 'B' }]],
			['resolve', undefined, [{ name: 'C' }]],
		]);
	});
});
