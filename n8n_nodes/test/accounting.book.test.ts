import { describe, expect, it } from 'vitest';

import { expectStoppedAtItem } from './helpers/assertions';
import { executeContext, runNode } from './helpers/context';
import { recordedItem, recordedResults, recording, replay } from './helpers/recorded';
import { batchEndpoint } from './helpers/sidecar';
import bookJson from './recorded/book.json';

const book = { resource: 'accounting', operation: 'book', profileId: 'cafe-berlin' };

/** Two café sales and one whose payments do not cover its total, as the sidecar booked them. */
const recorded = recording(bookJson);
const [cashSale, unbalancedSale, secondSale] = [0, 1, 2].map((index) =>
	recordedItem(recorded, index),
);
const results = recordedResults(recorded);

describe('Accounting → Book', () => {
	it('books the events under the profile and passes them on with their bookings', async () => {
		const scope = replay(recorded);
		const context = executeContext({
			parameters: book,
			items: [{ json: cashSale }, { json: unbalancedSale }, { json: secondSale }],
		});

		const [valid, invalid] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(valid).toEqual([
			{
				json: {
					...cashSale,
					belegfluss: {
						event_id: 'canonical:cafe-K1-1001',
						stored: 'new',
						bookings: results[0].bookings,
						warnings: results[0].warnings,
					},
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					...secondSale,
					belegfluss: {
						event_id: results[2].event_id,
						stored: 'new',
						bookings: results[2].bookings,
						warnings: results[2].warnings,
					},
				},
				pairedItem: { item: 2 },
			},
		]);
		expect(invalid).toEqual([
			{
				json: {
					...unbalancedSale,
					belegfluss: { errors: results[1].errors, warnings: [], ticket_id: null },
				},
				pairedItem: { item: 1 },
			},
		]);
		expect((invalid[0].json.belegfluss as { errors: Array<{ code: string }> }).errors[0].code).toBe(
			'accounting.unbalanced',
		);
	});

	it('sends the event without the notes Validate attached', async () => {
		const scope = replay(recorded);
		const validated = (json: object) => ({
			json: { ...json, belegfluss: { event_id: 'x', stored: 'new', warnings: [] } },
		});
		const context = executeContext({
			parameters: book,
			items: [validated(cashSale), validated(unbalancedSale), validated(secondSale)],
		});

		await runNode(context);

		expect(scope.isDone()).toBe(true);
	});

	it('sends the items of each location profile in a request of their own', async () => {
		const sidecar = batchEndpoint('/v1/book', (event) => ({ ok: true, event_id: event.id }));
		const items = ['cafe-berlin', 'shop-hamburg', 'cafe-berlin'].map((location, n) => ({
			json: { id: `canonical:${n}`, location_id: location },
		}));
		const context = executeContext({
			parameters: { ...book, profileId: (itemIndex: number) => items[itemIndex].json.location_id },
			items,
		});

		const [valid] = await runNode(context);

		expect(sidecar.batches.map(({ body }) => [body.profile, body.items.map((i) => i.id)])).toEqual([
			['cafe-berlin', ['canonical:0', 'canonical:2']],
			['shop-hamburg', ['canonical:1']],
		]);
		expect(
			valid.map((item) => [
				item.pairedItem,
				(item.json.belegfluss as { event_id: string }).event_id,
			]),
		).toEqual([
			[{ item: 0 }, 'canonical:0'],
			[{ item: 1 }, 'canonical:1'],
			[{ item: 2 }, 'canonical:2'],
		]);
	});

	it('rejects an item without a profile itself instead of failing the batch', async () => {
		const sidecar = batchEndpoint('/v1/book', (event) => ({ ok: true, event_id: event.id }));
		const context = executeContext({
			parameters: {
				...book,
				profileId: (itemIndex: number) => (itemIndex === 0 ? '' : 'cafe-berlin'),
			},
			items: [{ json: { id: 'a' } }, { json: { id: 'b' } }],
		});

		const [valid, invalid] = await runNode(context);

		expect(sidecar.batches.map(({ body }) => body.items)).toEqual([[{ id: 'b' }]]);
		expect(valid.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(invalid[0].pairedItem).toEqual({ item: 0 });
		expect(invalid[0].json.belegfluss).toMatchObject({
			errors: [{ code: 'node.profile_missing' }],
		});
	});

	it('stops the workflow on an event that cannot be booked when asked to', async () => {
		replay(recorded);
		const context = executeContext({
			parameters: { ...book, options: { onInvalidItems: 'stopWorkflow' } },
			items: [{ json: cashSale }, { json: unbalancedSale }, { json: secondSale }],
		});

		await expectStoppedAtItem(runNode(context), 1, ['accounting.unbalanced']);
	});
});
