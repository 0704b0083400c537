import { NodeApiError } from 'n8n-workflow';
import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { expectStoppedAtItem } from './helpers/assertions';
import { BASE_URL, executeContext, receipts, runNode } from './helpers/context';
import { batchEndpoint, sidecarIssue } from './helpers/sidecar';

const mapSumUp = { resource: 'event', operation: 'map', source: 'sumup' };

/** The SumUp stand-in rejects receipts whose number ends in 3 or 7. */
function sumupSidecar() {
	return batchEndpoint('/v1/map', (payload) =>
		/[37]$/.test(String(payload.receipt))
			? { ok: false, errors: [sidecarIssue('sale.lines_total_mismatch')], warnings: [] }
			: { ok: true, event: { id: `sumup:${payload.receipt}`, kind: 'sale' } },
	);
}

describe('Event → Map from POS', () => {
	it('sends all items with the chosen source and returns canonical events paired with their items', async () => {
		const sidecar = sumupSidecar();
		const context = executeContext({ parameters: mapSumUp, items: receipts(3) });

		const [valid, invalid] = await runNode(context);

		expect(sidecar.batches).toHaveLength(1);
		expect(sidecar.batches[0].body).toMatchObject({ source: 'sumup', quarantine: false });
		expect(sidecar.batches[0].body.items).toEqual(receipts(3).map((item) => item.json));
		expect(valid).toEqual([
			{ json: { id: 'sumup:R-0', kind: 'sale' }, pairedItem: { item: 0 } },
			{ json: { id: 'sumup:R-1', kind: 'sale' }, pairedItem: { item: 1 } },
			{ json: { id: 'sumup:R-2', kind: 'sale' }, pairedItem: { item: 2 } },
		]);
		expect(invalid).toEqual([]);
	});

	it('sends invalid items to the second output with the original item and the errors', async () => {
		sumupSidecar();
		const items = receipts(10);
		const context = executeContext({ parameters: mapSumUp, items });

		const [valid, invalid] = await runNode(context);

		expect(valid.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 4, 5, 6, 8, 9].map((item) => ({ item })),
		);
		expect(invalid).toEqual(
			[3, 7].map((index) => ({
				json: {
					...items[index].json,
					belegfluss: {
						errors: [sidecarIssue('sale.lines_total_mismatch')],
						warnings: [],
						ticket_id: null,
					},
				},
				pairedItem: { item: index },
			})),
		);
	});

	it('keeps order and pairing across 1,001 items sent in three requests', async () => {
		const sidecar = sumupSidecar();
		const context = executeContext({ parameters: mapSumUp, items: receipts(1001) });

		const [valid, invalid] = await runNode(context);

		expect(sidecar.batches.map((batch) => batch.body.items.length)).toEqual([500, 500, 1]);
		expect(valid.length + invalid.length).toBe(1001);
		for (const item of valid) {
			const index = (item.pairedItem as { item: number }).item;
			expect(item.json.id).toBe(`sumup:R-${index}`);
		}
		const order = valid.map((item) => (item.pairedItem as { item: number }).item);
		expect(order).toEqual([...order].sort((a, b) => a - b));
	});

	it('takes the payload from the Payload Field, e.g. the body of a Webhook item', async () => {
		const sidecar = sumupSidecar();
		const webhookItem = {
			json: { headers: { host: 'n8n' }, body: { receipt: 'R-1', total: '5.00' } },
		};
		const context = executeContext({
			parameters: { ...mapSumUp, payloadField: 'body' },
			items: [webhookItem],
		});

		const [valid] = await runNode(context);

		expect(sidecar.batches[0].body.items).toEqual([{ receipt: 'R-1', total: '5.00' }]);
		expect(valid[0].json.id).toBe('sumup:R-1');
	});

	it('rejects an item without the Payload Field itself, without asking Belegfluss about it', async () => {
		const sidecar = sumupSidecar();
		const items = [{ json: { body: { receipt: 'R-1' } } }, { json: { query: {} } }];
		const context = executeContext({ parameters: { ...mapSumUp, payloadField: 'body' }, items });

		const [valid, invalid] = await runNode(context);

		expect(sidecar.batches[0].body.items).toEqual([{ receipt: 'R-1' }]);
		expect(valid.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(invalid).toHaveLength(1);
		expect(invalid[0].pairedItem).toEqual({ item: 1 });
		expect(invalid[0].json.belegfluss).toMatchObject({
			errors: [{ code: 'node.payload_field_missing', path: '$.body' }],
		});
	});

	it('asks Belegfluss to quarantine invalid items and passes the ticket on', async () => {
		const sidecar = batchEndpoint('/v1/map', () => ({
			ok: false,
			errors: [sidecarIssue('sumup.unknown_payment_type', '$.payment_type')],
			ticket_id: 'q_123',
		}));
		const context = executeContext({
			parameters: { ...mapSumUp, options: { quarantineInvalidItems: true } },
			items: receipts(1),
		});

		const [, invalid] = await runNode(context);

		expect(sidecar.batches[0].body.quarantine).toBe(true);
		expect(invalid[0].json.belegfluss).toMatchObject({ ticket_id: 'q_123' });
	});

	it('stops the workflow at the first invalid item when asked to, naming it and its codes', async () => {
		batchEndpoint('/v1/map', (payload) =>
			payload.receipt === 'R-2'
				? {
						ok: false,
						errors: [
							sidecarIssue('sale.lines_total_mismatch'),
							sidecarIssue('tse.signature_invalid', '$.tse'),
						],
					}
				: { ok: true, event: {} },
		);
		const context = executeContext({
			parameters: { ...mapSumUp, options: { onInvalidItems: 'stopWorkflow' } },
			items: receipts(4),
		});

		const error = await expectStoppedAtItem(runNode(context), 2, [
			'sale.lines_total_mismatch',
			'tse.signature_invalid',
		]);
		expect(error.description).toContain('tse.signature_invalid at $.tse');
	});

	it('raises a NodeApiError when Belegfluss cannot be reached properly', async () => {
		nock(BASE_URL)
			.post('/v1/map')
			.reply(401, { error: { code: 'auth.invalid_key', message: 'Unknown API key' } });
		const context = executeContext({ parameters: mapSumUp, items: receipts(2) });

		const error = await runNode(context).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('401');
	});

	it('turns items into error items on the first output when the node continues on fail', async () => {
		nock(BASE_URL)
			.post('/v1/map')
			.reply(500, { error: { code: 'internal', message: 'Boom' } });
		const context = executeContext({
			parameters: mapSumUp,
			items: receipts(2),
			continueOnFail: true,
		});

		const [valid, invalid] = await runNode(context);

		expect(invalid).toEqual([]);
		expect(valid.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(valid[0].json).toEqual({ error: 'internal: Boom' });
		expect(valid[0].error).toBeInstanceOf(NodeApiError);
	});
});
