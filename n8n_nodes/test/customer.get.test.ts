import { NodeApiError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { executeContext, runNode } from './helpers/context';
import { recording, replay } from './helpers/recorded';
import customerGetJson from './recorded/customer-get.json';
import customerGetUnknownJson from './recorded/customer-get-unknown.json';

/** Jürgen Müller, linked from SumUp and HubSpot, as the sidecar shows him. */
const recorded = recording(customerGetJson);
const customer = recorded.response.json ?? {};
const goldenId = String(customer.golden_id);

describe('Customer → Get', () => {
	it('reads the golden customer once for all items that name it', async () => {
		const scope = replay(recorded);
		const context = executeContext({
			parameters: { resource: 'customer', operation: 'get', goldenId },
			items: [{ json: {} }, { json: {} }],
		});

		const [output] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(output).toEqual([0, 1].map((item) => ({ json: customer, pairedItem: { item } })));
		expect(customer.links).toEqual([
			expect.objectContaining({ system: 'sumup', native_id: 'c-1' }),
			expect.objectContaining({ system: 'hubspot', native_id: '77' }),
		]);
	});

	it('raises the sidecar error for an unknown golden ID', async () => {
		replay(recording(customerGetUnknownJson));
		const context = executeContext({
			parameters: { resource: 'customer', operation: 'get', goldenId: 'gc_nobody' },
		});

		const error = await runNode(context).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('404');
		expect((error as NodeApiError).message).toBe(
			"identity.unknown_golden_id: No golden customer 'gc_nobody'",
		);
	});

	it('names the item whose golden ID is empty, as an error item when continuing on fail', async () => {
		const context = executeContext({
			parameters: { resource: 'customer', operation: 'get', goldenId: '' },
			continueOnFail: true,
		});

		const [output] = await runNode(context);

		expect(output).toEqual([
			expect.objectContaining({
				json: { error: 'The item names no golden customer (Golden ID is empty)' },
				pairedItem: { item: 0 },
			}),
		]);
	});
});
