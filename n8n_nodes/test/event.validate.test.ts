import { describe, expect, it } from 'vitest';

import { expectStoppedAtItem } from './helpers/assertions';
import { executeContext, runNode } from './helpers/context';
import { batchEndpoint, sidecarIssue } from './helpers/sidecar';

const validate = { resource: 'event', operation: 'validate' };

function sale(id: string, total: string) {
	return { json: { id, kind: 'sale', total } };
}

/** The stand-in finds a total of "0.00" wrong and knows `sumup:R-1` from an earlier delivery. */
function validateSidecar() {
	return batchEndpoint('/v1/validate', (event) =>
		event.total === '0.00'
			? {
					ok: false,
					errors: [sidecarIssue('sale.total_zero')],
					warnings: [sidecarIssue('sale.no_customer', '$.customer')],
				}
			: {
					ok: true,
					event_id: event.id,
					stored: event.id === 'sumup:R-1' ? 'duplicate' : 'new',
					warnings: [],
				},
	);
}

describe('Event → Validate', () => {
	it('passes valid events through with what Belegfluss stored', async () => {
		const sidecar = validateSidecar();
		const items = [sale('sumup:R-0', '12.50'), sale('sumup:R-1', '3.00')];
		const context = executeContext({
			parameters: { ...validate, profileId: 'berlin-mitte' },
			items,
		});

		const [valid, invalid] = await runNode(context);

		expect(sidecar.batches[0].body).toMatchObject({
			profile: 'berlin-mitte',
			store: true,
			quarantine: false,
		});
		expect(valid).toEqual([
			{
				json: {
					...items[0].json,
					belegfluss: { event_id: 'sumup:R-0', stored: 'new', warnings: [] },
				},
				pairedItem: { item: 0 },
			},
			{
				json: {
					...items[1].json,
					belegfluss: { event_id: 'sumup:R-1', stored: 'duplicate', warnings: [] },
				},
				pairedItem: { item: 1 },
			},
		]);
		expect(invalid).toEqual([]);
	});

	it('sends no profile when none is chosen, and can leave events unstored', async () => {
		const sidecar = validateSidecar();
		const context = executeContext({
			parameters: { ...validate, profileId: '', options: { storeEvents: false } },
			items: [sale('sumup:R-0', '1.00')],
		});

		await runNode(context);

		expect(sidecar.batches[0].body).not.toHaveProperty('profile');
		expect(sidecar.batches[0].body.store).toBe(false);
	});

	it('routes invalid events to the second output, ready for Quarantine → Add', async () => {
		validateSidecar();
		const items = [sale('sumup:R-0', '1.00'), sale('sumup:R-9', '0.00')];
		const context = executeContext({ parameters: validate, items });

		const [valid, invalid] = await runNode(context);

		expect(valid.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		expect(invalid).toEqual([
			{
				json: {
					...items[1].json,
					belegfluss: {
						errors: [sidecarIssue('sale.total_zero')],
						warnings: [sidecarIssue('sale.no_customer', '$.customer')],
						ticket_id: null,
					},
				},
				pairedItem: { item: 1 },
			},
		]);
	});

	it('sends the event without notes an earlier Belegfluss node attached', async () => {
		const sidecar = validateSidecar();
		const item = { json: { id: 'sumup:R-0', total: '1.00', belegfluss: { stored: 'new' } } };
		const context = executeContext({ parameters: validate, items: [item] });

		await runNode(context);

		expect(sidecar.batches[0].body.items).toEqual([{ id: 'sumup:R-0', total: '1.00' }]);
	});

	it('stops the workflow on an invalid event when asked to', async () => {
		validateSidecar();
		const context = executeContext({
			parameters: { ...validate, options: { onInvalidItems: 'stopWorkflow' } },
			items: [sale('sumup:R-0', '1.00'), sale('sumup:R-5', '0.00')],
		});

		await expectStoppedAtItem(runNode(context), 1, ['sale.total_zero']);
	});
});
