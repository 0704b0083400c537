import { NodeApiError } from 'n8n-workflow';
import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { BASE_URL, executeContext, runNode } from './helpers/context';

const intake = {
	resource: 'event',
	operation: 'intake',
	posSource: 'sumup',
	payloadsField: 'body',
};

interface IntakeBody {
	source: string;
	items: Array<{ code: string }>;
	workflow: string;
	node: string;
	execution_id: string;
}

/**
 * A stand-in for `/v1/intake`: a payload whose code ends in 9 fails (and gets a ticket), the
 * others are planned for HubSpot in batches of two.
 */
function intakeSidecar() {
	const bodies: IntakeBody[] = [];
	nock(BASE_URL)
		.persist()
		.post('/v1/intake')
		.reply(200, async (request: Request) => {
			const body = (await request.json()) as IntakeBody;
			bodies.push(body);
			const results = body.items.map((item, index) =>
				item.code.endsWith('9')
					? {
							index,
							ok: false,
							event_id: null,
							ticket_id: `T-${item.code}`,
							errors: [{ code: 'x' }],
						}
					: { index, ok: true, event_id: `${body.source}:${item.code}`, delivery: 'planned' },
			);
			const planned = results.filter((result) => result.ok).map((result) => result.event_id);
			const deliveries = [];
			for (let start = 0; start < planned.length; start += 2) {
				deliveries.push({ target: 'hubspot:cafe', event_ids: planned.slice(start, start + 2) });
			}
			return { results, deliveries };
		});
	return bodies;
}

/** Lets the other requests in flight move on. */
async function nextTick() {
	for (let turn = 0; turn < 10; turn++) await Promise.resolve();
}

function webhookItem(source: string, codes: string[] | string) {
	const body = Array.isArray(codes) ? codes.map((code) => ({ code })) : { code: codes };
	return { json: { body, query: { source } } };
}

function context(
	items: ReturnType<typeof webhookItem>[],
	parameters: Record<string, unknown> = {},
	continueOnFail = false,
) {
	return executeContext({
		parameters: { ...intake, posSource: (i: number) => items[i].json.query.source, ...parameters },
		items,
		continueOnFail,
	});
}

describe('Event → Take In POS Sales', () => {
	it('sends every payload of every webhook call per source and outputs CRM batches, not sales', async () => {
		const bodies = intakeSidecar();
		const items = [
			webhookItem('sumup', ['a1', 'a2', 'a3']),
			webhookItem('square', 'b1'),
			webhookItem('sumup', ['a4']),
		];

		const [batches, tickets] = await runNode(context(items));

		expect(bodies.map((body) => [body.source, body.items.map((item) => item.code)])).toEqual([
			['sumup', ['a1', 'a2', 'a3', 'a4']],
			['square', ['b1']],
		]);
		expect(bodies[0]).toMatchObject({
			workflow: 'POS sale',
			node: 'Belegfluss',
			execution_id: 'exec-42',
		});
		expect(batches).toEqual([
			{
				json: { target: 'hubspot:cafe', event_ids: ['sumup:a1', 'sumup:a2'] },
				pairedItem: [{ item: 0 }],
			},
			{
				json: { target: 'hubspot:cafe', event_ids: ['sumup:a3', 'sumup:a4'] },
				pairedItem: [{ item: 0 }, { item: 2 }],
			},
			{ json: { target: 'hubspot:cafe', event_ids: ['square:b1'] }, pairedItem: [{ item: 1 }] },
		]);
		expect(tickets).toEqual([]);
	});

	it('puts every payload that became a ticket on the second output, paired with its call', async () => {
		intakeSidecar();
		const items = [webhookItem('sumup', ['a1', 'a9']), webhookItem('sumup', 'b9')];

		const [batches, tickets] = await runNode(context(items));

		expect(batches.map((batch) => batch.json.event_ids)).toEqual([['sumup:a1']]);
		expect(tickets.map((ticket) => [ticket.json.ticket_id, ticket.pairedItem])).toEqual([
			['T-a9', { item: 0 }],
			['T-b9', { item: 1 }],
		]);
	});

	it('sends at most Batch Size payloads per request', async () => {
		const bodies = intakeSidecar();
		const codes = Array.from({ length: 7 }, (_unused, n) => `c${n}`);

		await runNode(context([webhookItem('sumup', codes)], { options: { batchSize: 3 } }));

		expect(bodies.map((body) => body.items.length)).toEqual([3, 3, 1]);
	});

	it('sends the batches of one source in order and different sources side by side, output in input order', async () => {
		let inFlight = 0;
		let mostInFlight = 0;
		const inFlightOf = new Map<string, number>();
		let mostInFlightOfOneSource = 0;
		const sent: string[] = [];
		nock(BASE_URL)
			.persist()
			.post('/v1/intake')
			.reply(200, async (request: Request) => {
				const body = (await request.json()) as IntakeBody;
				const source = body.source;
				inFlight += 1;
				mostInFlight = Math.max(mostInFlight, inFlight);
				inFlightOf.set(source, (inFlightOf.get(source) ?? 0) + 1);
				mostInFlightOfOneSource = Math.max(mostInFlightOfOneSource, inFlightOf.get(source) ?? 0);
				sent.push(`${source}:${body.items[0].code}`);
				// The first batch of each source answers last.
				await nextTick();
				if (['c0', 'd0'].includes(body.items[0].code)) await nextTick();
				inFlight -= 1;
				inFlightOf.set(source, (inFlightOf.get(source) ?? 1) - 1);
				const eventIds = body.items.map((item) => `${source}:${item.code}`);
				return {
					results: eventIds.map((event_id, index) => ({ index, ok: true, event_id })),
					deliveries: [{ target: 'hubspot:cafe', event_ids: eventIds }],
				};
			});
		const codes = (prefix: string) => Array.from({ length: 5 }, (_unused, n) => `${prefix}${n}`);

		const [batches] = await runNode(
			context([webhookItem('sumup', codes('c')), webhookItem('square', codes('d'))], {
				options: { batchSize: 2, parallelRequests: 2 },
			}),
		);

		expect(mostInFlight).toBe(2);
		expect(mostInFlightOfOneSource).toBe(1); // a source's next batch waits for its previous one
		const order = (source: string) => sent.filter((batch) => batch.startsWith(source));
		expect(order('sumup')).toEqual(['sumup:c0', 'sumup:c2', 'sumup:c4']);
		expect(order('square')).toEqual(['square:d0', 'square:d2', 'square:d4']);
		expect(batches.map((batch) => batch.json.event_ids)).toEqual([
			['sumup:c0', 'sumup:c1'],
			['sumup:c2', 'sumup:c3'],
			['sumup:c4'],
			['square:d0', 'square:d1'],
			['square:d2', 'square:d3'],
			['square:d4'],
		]);
	});

	it('stops the workflow when Belegfluss refuses the call, or passes the error on when told to continue', async () => {
		nock(BASE_URL)
			.persist()
			.post('/v1/intake')
			.reply(422, { error: { code: 'body.invalid', message: 'no' } });
		const items = [webhookItem('sumup', ['a1'])];

		await expect(runNode(context(items))).rejects.toBeInstanceOf(NodeApiError);
		const [batches, tickets] = await runNode(context(items, {}, true));
		expect(batches).toEqual([]);
		expect(tickets).toHaveLength(1);
		expect(tickets[0].json).toMatchObject({ source: 'sumup', payloads: 1 });
		expect(String(tickets[0].json.error)).toContain('body.invalid');
	});
});
