import { NodeApiError } from 'n8n-workflow';
import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { BASE_URL, executeContext, runNode } from './helpers/context';

const list = { resource: 'quarantine', operation: 'list' };

function tickets(from: number, count: number) {
	return Array.from({ length: count }, (_, n) => ({ id: `q_${from + n}`, status: 'open' }));
}

describe('Quarantine → List', () => {
	it('asks with the filters and the limit and returns one item per ticket', async () => {
		nock(BASE_URL)
			.get('/v1/quarantine')
			.query({ status: 'open', source: 'sumup', code: 'sale.total_zero', limit: '2', offset: '0' })
			.reply(200, { tickets: tickets(0, 2), total: 7 });
		const context = executeContext({
			parameters: {
				...list,
				returnAll: false,
				limit: 2,
				filters: { status: 'open', source: 'sumup', code: 'sale.total_zero' },
			},
		});

		const [output] = await runNode(context);

		expect(output).toEqual(
			tickets(0, 2).map((ticket) => ({ json: ticket, pairedItem: { item: 0 } })),
		);
		expect(nock.isDone()).toBe(true);
	});

	it('pages through all tickets with Return All', async () => {
		nock(BASE_URL)
			.get('/v1/quarantine')
			.query({ limit: '100', offset: '0' })
			.reply(200, { tickets: tickets(0, 100), total: 130 })
			.get('/v1/quarantine')
			.query({ limit: '100', offset: '100' })
			.reply(200, { tickets: tickets(100, 30), total: 130 });
		const context = executeContext({ parameters: { ...list, returnAll: true, filters: {} } });

		const [output] = await runNode(context);

		expect(output.map((item) => item.json.id)).toEqual(tickets(0, 130).map((ticket) => ticket.id));
		expect(nock.isDone()).toBe(true);
	});

	it('returns an error item for a failed listing when the node continues on fail', async () => {
		nock(BASE_URL)
			.get('/v1/quarantine')
			.query(true)
			.reply(400, { error: { code: 'query.invalid', message: 'Unknown status' } });
		const context = executeContext({ parameters: { ...list, limit: 5 }, continueOnFail: true });

		const [output] = await runNode(context);

		expect(output).toHaveLength(1);
		expect(output[0].json).toEqual({ error: 'query.invalid: Unknown status' });
		expect(output[0].error).toBeInstanceOf(NodeApiError);
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});
});
