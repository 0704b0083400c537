import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { expectStoppedAtItem } from './helpers/assertions';
import { executeContext, runNode } from './helpers/context';
import { batchEndpoint, sidecarIssue } from './helpers/sidecar';

const resolve = {
	resource: 'quarantine',
	operation: 'resolve',
	ticketId: (itemIndex: number) => `q_${itemIndex}`,
	resolution: 'Corrected in the POS',
};

describe('Quarantine → Resolve', () => {
	it('closes the tickets in one request and returns them', async () => {
		const sidecar = batchEndpoint('/v1/quarantine/resolve', (resolution) => ({
			ok: true,
			ticket: { id: resolution.id, status: 'resolved', resolution: resolution.resolution },
		}));
		const context = executeContext({
			parameters: {
				...resolve,
				note: (itemIndex: number) => (itemIndex === 0 ? 'Customer called' : ''),
			},
			items: [{ json: { id: 'q_0' } }, { json: { id: 'q_1' } }],
		});

		const [output] = await runNode(context);

		expect(sidecar.batches[0].body.items).toEqual([
			{ id: 'q_0', resolution: 'Corrected in the POS', note: 'Customer called' },
			{ id: 'q_1', resolution: 'Corrected in the POS' },
		]);
		expect(output).toEqual([
			{
				json: { id: 'q_0', status: 'resolved', resolution: 'Corrected in the POS' },
				pairedItem: { item: 0 },
			},
			{
				json: { id: 'q_1', status: 'resolved', resolution: 'Corrected in the POS' },
				pairedItem: { item: 1 },
			},
		]);
	});

	it('fails naming the ticket Belegfluss does not know', async () => {
		batchEndpoint('/v1/quarantine/resolve', (resolution) =>
			resolution.id === 'q_1'
				? { ok: false, errors: [sidecarIssue('quarantine.not_found', '$.id')] }
				: { ok: true, ticket: { id: resolution.id } },
		);
		const context = executeContext({ parameters: resolve, items: [{ json: {} }, { json: {} }] });

		await expectStoppedAtItem(runNode(context), 1, ['quarantine.not_found']);
	});

	it('returns an error item for an unknown ticket when the node continues on fail', async () => {
		batchEndpoint('/v1/quarantine/resolve', (resolution) =>
			resolution.id === 'q_0'
				? { ok: false, errors: [sidecarIssue('quarantine.not_found', '$.id')] }
				: { ok: true, ticket: { id: resolution.id } },
		);
		const context = executeContext({
			parameters: resolve,
			items: [{ json: {} }, { json: {} }],
			continueOnFail: true,
		});

		const [output] = await runNode(context);

		expect(output[0].json).toEqual({
			error: 'Item 0 was rejected by Belegfluss: quarantine.not_found',
		});
		expect(output[0].error).toBeInstanceOf(NodeOperationError);
		expect(output[1]).toEqual({ json: { id: 'q_1' }, pairedItem: { item: 1 } });
	});
});
