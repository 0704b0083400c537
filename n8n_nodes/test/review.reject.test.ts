import { describe, expect, it } from 'vitest';

import { executeContext, runNode } from './helpers/context';
import { recording, replay } from './helpers/recorded';
import reviewRejectJson from './recorded/review-reject.json';

/** Thomas and Sabine Wagner share an e-mail address but are two people. */
const recorded = recording(reviewRejectJson);

describe('Review → Reject', () => {
	it('rejects the review item and confirms it', async () => {
		const scope = replay(recorded);
		const context = executeContext({
			parameters: { resource: 'review', operation: 'reject', reviewId: 2 },
			items: [{ json: { review_id: 2 } }],
		});

		const [output] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(output).toEqual([
			{ json: { review_id: 2, status: 'rejected' }, pairedItem: { item: 0 } },
		]);
	});
});
