import { NodeApiError } from 'n8n-workflow';
import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { BASE_URL, executeContext, runNode } from './helpers/context';
import { recording, replay } from './helpers/recorded';
import customerUnmergeJson from './recorded/customer-unmerge.json';
import customerUnmergeNothingJson from './recorded/customer-unmerge-nothing.json';

/** Lena and Lara Becker, merged after review, split again. */
const recorded = recording(customerUnmergeJson);
const survivor = String(recorded.response.json?.golden_id);
const unmerge = { resource: 'customer', operation: 'unmerge', goldenId: survivor };

describe('Customer → Unmerge', () => {
	it('undoes the latest merge and says which customer came back', async () => {
		const scope = replay(recorded);
		const context = executeContext({ parameters: { ...unmerge, mergeId: 0 } });

		const [output] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(output).toEqual([{ json: recorded.response.json, pairedItem: { item: 0 } }]);
		expect(output[0].json.restored_golden_id).not.toBe(survivor);
	});

	it('sends one unmerge for items naming the same customer, so an older merge stays', async () => {
		const scope = replay(recorded);
		const context = executeContext({ parameters: unmerge, items: [{ json: {} }, { json: {} }] });

		const [output] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('names the merge to undo when one is chosen', async () => {
		const scope = nock(BASE_URL)
			.post(`/v1/customers/${survivor}/unmerge`, { merge_id: 7 })
			.reply(200, { golden_id: survivor, merge_id: 7 });
		const context = executeContext({ parameters: { ...unmerge, mergeId: 7 } });

		await runNode(context);

		expect(scope.isDone()).toBe(true);
	});

	it('raises the sidecar error when there is nothing to unmerge', async () => {
		replay(recording(customerUnmergeNothingJson));
		const context = executeContext({ parameters: unmerge });

		const error = await runNode(context).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('409');
		expect((error as NodeApiError).message).toMatch(/^identity\.nothing_to_unmerge: /);
	});
});
