import { UnexpectedError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { expectStoppedAtItem } from './helpers/assertions';
import { executeContext, runNode } from './helpers/context';
import { batchEndpoint, sidecarIssue } from './helpers/sidecar';

const add = {
	resource: 'quarantine',
	operation: 'add',
	source: 'sumup',
	workflowName: 'POS sale to CRM',
};

/** An item as it leaves the Invalid output of Event → Validate. */
const rejectedSale = {
	json: {
		id: 'sumup:R-9',
		total: '0.00',
		belegfluss: { errors: [sidecarIssue('sale.total_zero')], warnings: [], ticket_id: null },
	},
};

describe('Quarantine → Add', () => {
	it('turns a rejected item into a ticket with its payload, errors, workflow, node and execution', async () => {
		const sidecar = batchEndpoint('/v1/quarantine', (_ticket, index) => ({
			ok: true,
			ticket_id: `q_${index}`,
			created: true,
		}));
		const context = executeContext({
			parameters: add,
			items: [rejectedSale],
			previousNode: 'Validate sale',
		});

		const [output] = await runNode(context);

		expect(sidecar.batches[0].body.items).toEqual([
			{
				source: 'sumup',
				payload: { id: 'sumup:R-9', total: '0.00' },
				errors: [sidecarIssue('sale.total_zero')],
				workflow: 'POS sale to CRM',
				node: 'Validate sale',
				execution_id: 'exec-42',
			},
		]);
		expect(output).toEqual([
			{ json: { ticket_id: 'q_0', created: true }, pairedItem: { item: 0 } },
		]);
	});

	it('keeps the chosen field as payload and the given reason, node and execution', async () => {
		const sidecar = batchEndpoint('/v1/quarantine', () => ({
			ok: true,
			ticket_id: 'q_1',
			created: false,
		}));
		const errorTriggerItem = {
			json: {
				execution: { id: '77', lastNodeExecuted: 'Upsert contact' },
				payload: { receipt: 'R-1' },
			},
		};
		const context = executeContext({
			parameters: {
				...add,
				source: 'n8n',
				payloadField: 'payload',
				reason: 'HubSpot rejected the contact',
				nodeName: 'Upsert contact',
				executionId: '77',
			},
			items: [errorTriggerItem],
		});

		const [output] = await runNode(context);

		expect(sidecar.batches[0].body.items).toEqual([
			{
				source: 'n8n',
				payload: { receipt: 'R-1' },
				reason: 'HubSpot rejected the contact',
				workflow: 'POS sale to CRM',
				node: 'Upsert contact',
				execution_id: '77',
			},
		]);
		expect(output[0].json).toEqual({ ticket_id: 'q_1', created: false });
	});

	it('leaves the node out when n8n cannot tell where the items came from', async () => {
		const sidecar = batchEndpoint('/v1/quarantine', () => ({
			ok: true,
			ticket_id: 'q_2',
			created: true,
		}));
		const context = executeContext({ parameters: add, items: [rejectedSale] });
		context.getInputSourceData.mockImplementation(() => {
			throw new UnexpectedError('Source data is missing');
		});

		await runNode(context);

		expect(sidecar.batches[0].body.items[0]).not.toHaveProperty('node');
	});

	it('sends many tickets in batches and pairs each answer with its item', async () => {
		const sidecar = batchEndpoint('/v1/quarantine', (ticket) => ({
			ok: true,
			ticket_id: `q_${(ticket.payload as { n: number }).n}`,
			created: true,
		}));
		const items = Array.from({ length: 5 }, (_, n) => ({ json: { n } }));
		const context = executeContext({ parameters: { ...add, options: { batchSize: 2 } }, items });

		const [output] = await runNode(context);

		expect(sidecar.batches.map((batch) => batch.body.items.length)).toEqual([2, 2, 1]);
		expect(output.map((item) => [item.json.ticket_id, item.pairedItem])).toEqual(
			items.map((_, n) => [`q_${n}`, { item: n }]),
		);
	});

	it('fails naming the item when Belegfluss refuses a ticket', async () => {
		batchEndpoint('/v1/quarantine', () => ({
			ok: false,
			errors: [sidecarIssue('body.invalid', '$.source')],
		}));
		const context = executeContext({ parameters: { ...add, source: '' }, items: [rejectedSale] });

		await expectStoppedAtItem(runNode(context), 0, ['body.invalid']);
	});

	it('parks an item for redelivery: stage delivery with its target, event and attempts', async () => {
		const sidecar = batchEndpoint('/v1/quarantine', () => ({
			ok: true,
			ticket_id: 'q_7',
			created: true,
		}));
		const delivery = {
			json: {
				sale: { id: 'sumup:TX1', total: '9.10' },
				target: 'hubspot:cafe-berlin',
				event_id: 'sumup:TX1',
				belegfluss: { delivery: { target: 'hubspot:cafe-berlin', allowed: false, state: 'open' } },
			},
		};
		const context = executeContext({
			parameters: {
				...add,
				payloadField: 'sale',
				reason: 'HubSpot circuit open',
				stage: 'delivery',
				target: 'hubspot:cafe-berlin',
				eventId: 'sumup:TX1',
				redeliveryAttempts: 3,
			},
			items: [delivery],
			previousNode: 'Check HubSpot circuit',
		});

		await runNode(context);

		expect(sidecar.batches[0].body.items).toEqual([
			{
				source: 'sumup',
				payload: { id: 'sumup:TX1', total: '9.10' },
				workflow: 'POS sale to CRM',
				node: 'Check HubSpot circuit',
				execution_id: 'exec-42',
				reason: 'HubSpot circuit open',
				stage: 'delivery',
				target: 'hubspot:cafe-berlin',
				event_id: 'sumup:TX1',
				max_attempts: 3,
			},
		]);
	});
});
