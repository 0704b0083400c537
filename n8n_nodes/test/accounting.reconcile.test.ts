import { describe, expect, it } from 'vitest';

import { executeContext, runNode } from './helpers/context';
import { recordedItem, recordedResults, recording, replay } from './helpers/recorded';
import { batchEndpoint } from './helpers/sidecar';
import reconcileJson from './recorded/reconcile.json';

const reconcile = { resource: 'accounting', operation: 'reconcile', profileId: 'cafe-berlin' };

/** Z-report 73 as the register printed it, a recount with 20 € more cash, and an empty one. */
const recorded = recording(reconcileJson);
const zReports = [0, 1, 2].map((index) => ({ json: recordedItem(recorded, index) }));
const [matching, shortOfCash, unreadable] = recordedResults(recorded);

describe('Accounting → Reconcile', () => {
	it('gives the reconciliation of each Z-report, with the ticket of a mismatch', async () => {
		const scope = replay(recorded);
		const context = executeContext({ parameters: reconcile, items: zReports });

		const [valid, invalid] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(valid.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(valid[0].json).toMatchObject({
			z_report_id: 'canonical:cafe-K1-Z73',
			verdict: 'match',
			receipt_count: matching.receipt_count,
			differences: [],
			ticket_id: null,
		});
		expect(valid[1].json).toMatchObject({
			verdict: 'mismatch',
			largest_difference: '20.00',
			ticket_id: shortOfCash.ticket_id,
			differences: shortOfCash.differences,
		});
		expect(valid[1].json).not.toHaveProperty('index');
		expect(valid[1].json).not.toHaveProperty('ok');
		expect(invalid).toEqual([
			{
				json: {
					...zReports[2].json,
					belegfluss: { errors: unreadable.errors, warnings: [], ticket_id: null },
				},
				pairedItem: { item: 2 },
			},
		]);
	});

	it('can leave differences out of the quarantine', async () => {
		const sidecar = batchEndpoint('/v1/reconcile', () => ({ ok: true, verdict: 'match' }));
		const context = executeContext({
			parameters: { ...reconcile, options: { quarantineDifferences: false } },
			items: [zReports[0]],
		});

		await runNode(context);

		expect(sidecar.batches[0].body).toMatchObject({ profile: 'cafe-berlin', quarantine: false });
	});
});
