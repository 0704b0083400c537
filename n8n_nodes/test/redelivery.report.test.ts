import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { expectStoppedAtItem } from './helpers/assertions';
import { BASE_URL, executeContext, runNode } from './helpers/context';
import { batchEndpoint, sidecarIssue } from './helpers/sidecar';

const outcomes = [
	{ ticketId: 'q_1', succeeded: true, statusCode: 200, errorMessage: '' },
	{ ticketId: 'q_2', succeeded: false, statusCode: 503, errorMessage: 'Service unavailable' },
	{ ticketId: 'q_3', succeeded: false, statusCode: 0, errorMessage: 'HubSpot circuit open' },
];

/** Items reporting a success, each naming one ticket or a list of them. */
function successContext(ticketIds: Array<string | string[]>) {
	return executeContext({
		parameters: {
			resource: 'redelivery',
			operation: 'report',
			ticketId: (itemIndex: number) => ticketIds[itemIndex],
			succeeded: true,
			statusCode: 200,
			errorMessage: '',
		},
		items: ticketIds.map(() => ({ json: {} })),
	});
}

describe('Redelivery → Report Outcome', () => {
	it('reports all outcomes in one request and gives each ticket as it is now', async () => {
		const sidecar = batchEndpoint('/v1/redelivery/report', (item, index) => ({
			ok: true,
			ticket: { id: item.id, status: item.ok ? 'delivered' : index === 2 ? 'dead' : 'open' },
			dead_lettered: index === 2,
		}));
		const parameter = (name: keyof (typeof outcomes)[number]) => (itemIndex: number) =>
			outcomes[itemIndex][name];
		const context = executeContext({
			parameters: {
				resource: 'redelivery',
				operation: 'report',
				ticketId: parameter('ticketId'),
				succeeded: parameter('succeeded'),
				statusCode: parameter('statusCode'),
				errorMessage: parameter('errorMessage'),
			},
			items: outcomes.map(() => ({ json: {} })),
		});

		const [output] = await runNode(context);

		expect(sidecar.batches).toHaveLength(1);
		expect(sidecar.batches[0].body.items).toEqual([
			{ id: 'q_1', ok: true, status: 200 },
			{ id: 'q_2', ok: false, status: 503, error: 'Service unavailable' },
			{ id: 'q_3', ok: false, error: 'HubSpot circuit open' },
		]);
		expect(output.map((item) => item.json.dead_lettered)).toEqual([false, false, true]);
		expect(output[2]).toEqual({
			json: { ticket: { id: 'q_3', status: 'dead' }, dead_lettered: true },
			pairedItem: { item: 2 },
		});
	});

	it('reports each ticket of a list (a CRM batch) and puts each out as an item of its own', async () => {
		const sidecar = batchEndpoint('/v1/redelivery/report', (item) => ({
			ok: true,
			ticket: { id: item.id, status: 'delivered' },
			dead_lettered: false,
		}));
		const [output] = await runNode(successContext([['q_1', ' q_2 ', ''], 'q_3']));

		expect(sidecar.batches.map((batch) => batch.body.items)).toEqual([
			[
				{ id: 'q_1', ok: true, status: 200 },
				{ id: 'q_2', ok: true, status: 200 },
				{ id: 'q_3', ok: true, status: 200 },
			],
		]);
		expect(output.map((item) => [item.json.ticket, item.pairedItem])).toEqual([
			[{ id: 'q_1', status: 'delivered' }, { item: 0 }],
			[{ id: 'q_2', status: 'delivered' }, { item: 0 }],
			[{ id: 'q_3', status: 'delivered' }, { item: 1 }],
		]);
	});

	it('stops at the input item whose ticket in a list is no open redelivery ticket', async () => {
		batchEndpoint('/v1/redelivery/report', (item) =>
			item.id === 'q_done'
				? { ok: false, errors: [sidecarIssue('redelivery.not_open', '$.id')] }
				: { ok: true, ticket: { id: item.id }, dead_lettered: false },
		);
		const running = runNode(successContext(['q_1', ['q_2', 'q_done']]));

		await expectStoppedAtItem(running, 1, ['redelivery.not_open']);
	});

	it('names the input item, not the ticket position, when the sidecar leaves a ticket unanswered', async () => {
		// Item 0 is a CRM batch of three tickets, item 1 a single ticket: the fourth ticket is item 1's.
		nock(BASE_URL)
			.post('/v1/redelivery/report')
			.reply(200, {
				results: [0, 1, 2].map((index) => ({ index, ok: true, ticket: {}, dead_lettered: false })),
			});

		await expect(runNode(successContext([['q_1', 'q_2', 'q_3'], 'q_4']))).rejects.toThrow(
			'The Belegfluss sidecar sent no answer for item 1',
		);
	});

	it("sends the run's worker with each ticket, so a ticket another run holds is refused", async () => {
		const sidecar = batchEndpoint('/v1/redelivery/report', (item) => ({
			ok: true,
			ticket: { id: item.id },
			dead_lettered: false,
		}));
		const context = executeContext({
			parameters: {
				resource: 'redelivery',
				operation: 'report',
				ticketId: () => ['q_1', 'q_2'],
				claimedBy: ' n8n execution 7 ',
				succeeded: true,
				statusCode: 200,
				errorMessage: '',
			},
			items: [{ json: {} }],
		});

		await runNode(context);

		expect(sidecar.batches[0].body.items).toEqual([
			{ id: 'q_1', ok: true, status: 200, claimed_by: 'n8n execution 7' },
			{ id: 'q_2', ok: true, status: 200, claimed_by: 'n8n execution 7' },
		]);
	});
});
