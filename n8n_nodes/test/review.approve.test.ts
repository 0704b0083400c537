import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { expectStoppedAtItem } from './helpers/assertions';
import { executeContext, runNode } from './helpers/context';
import { recordedResults, recording, replay } from './helpers/recorded';
import { batchEndpoint } from './helpers/sidecar';
import reviewApproveJson from './recorded/review-approve.json';

const approve = { resource: 'review', operation: 'approve' };

/** Review item 1 approved (Lara merged into Lena), and an ID the sidecar does not know. */
const recorded = recording(reviewApproveJson);
const [merged, unknown] = recordedResults(recorded);

/** Items as Review → List gives them; the default Review ID expression reads `review_id`. */
const listed = [{ json: { review_id: 1 } }, { json: { review_id: 999999 } }];

describe('Review → Approve', () => {
	it('approves all items in one request and gives each merge', async () => {
		replay(recorded);
		const context = executeContext({
			parameters: { ...approve, reviewId: (itemIndex: number) => listed[itemIndex].json.review_id },
			items: listed,
			continueOnFail: true,
		});

		const [output] = await runNode(context);

		expect(output[0]).toEqual({
			json: { review_id: 1, status: 'approved', golden_id: merged.golden_id, merge_id: 1 },
			pairedItem: { item: 0 },
		});
		expect(output[1].json).toEqual({
			error: 'Item 1 was rejected by Belegfluss: identity.unknown_review',
		});
		expect(output[1].error).toBeInstanceOf(NodeOperationError);
		expect(output[1].pairedItem).toEqual({ item: 1 });
		expect(unknown.ok).toBe(false);
	});

	it('stops the workflow at an unknown review item', async () => {
		replay(recorded);
		const context = executeContext({
			parameters: { ...approve, reviewId: (itemIndex: number) => listed[itemIndex].json.review_id },
			items: listed,
		});

		await expectStoppedAtItem(runNode(context), 1, ['identity.unknown_review']);
	});

	it('takes a review ID given as text and rejects one that is no number itself', async () => {
		const sidecar = batchEndpoint('/v1/review/approve', (item) => ({
			ok: true,
			review_id: item.review_id,
			status: 'approved',
		}));
		const ids = ['12', 'twelve'];
		const context = executeContext({
			parameters: { ...approve, reviewId: (itemIndex: number) => ids[itemIndex] },
			items: [{ json: {} }, { json: {} }],
			continueOnFail: true,
		});

		const [output] = await runNode(context);

		expect(sidecar.batches.map(({ body }) => body.items)).toEqual([[{ review_id: 12 }]]);
		expect(output[0].json).toMatchObject({ review_id: 12, status: 'approved' });
		expect(output[1].json.error).toBe('Item 1 was rejected by Belegfluss: node.review_id_invalid');
	});
});
