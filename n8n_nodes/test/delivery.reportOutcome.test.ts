import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { BASE_URL, executeContext, runNode } from './helpers/context';
import { recordedResults, recording, replay } from './helpers/recorded';
import deliveryReportJson from './recorded/delivery-report.json';

/**
 * One delivery to portal 1 went through (recorded for its event); portal 2 answered 503 four times and then could not
 * be reached at all (no status): the fifth failure opens its circuit.
 */
const recorded = recording(deliveryReportJson);
const answers = recordedResults(recorded);
const outcomes = [
	{
		target: 'hubspot:1',
		succeeded: true,
		statusCode: 200,
		errorMessage: '',
		eventId: 'canonical:cafe-K1-1001',
	},
	...Array.from({ length: 4 }, () => ({
		target: 'hubspot:2',
		succeeded: false,
		statusCode: 503,
		errorMessage: 'Service Unavailable',
		eventId: '',
	})),
	{ target: 'hubspot:2', succeeded: false, statusCode: 0, errorMessage: '', eventId: '' },
];

describe('Delivery → Report Outcome', () => {
	it('reports every outcome in one request and passes each item on with the circuit state', async () => {
		const scope = replay(recorded);
		const items = outcomes.map((_outcome, n) => ({ json: { contact: n } }));
		const parameter = (name: keyof (typeof outcomes)[number]) => (itemIndex: number) =>
			outcomes[itemIndex][name];
		const context = executeContext({
			parameters: {
				resource: 'delivery',
				operation: 'reportOutcome',
				target: parameter('target'),
				succeeded: parameter('succeeded'),
				statusCode: parameter('statusCode'),
				errorMessage: parameter('errorMessage'),
				eventId: parameter('eventId'),
			},
			items,
		});

		const [output] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_item, item) => ({ item })));
		expect(output[0].json).toEqual({
			contact: 0,
			belegfluss: {
				delivery: {
					target: 'hubspot:1',
					state: 'closed',
					failures: 0,
					counted: false,
					retry_at: null,
				},
			},
		});
		const last = output[5].json.belegfluss as { delivery: Record<string, unknown> };
		expect(last.delivery).toEqual({
			target: 'hubspot:2',
			state: 'open',
			failures: 5,
			counted: true,
			retry_at: answers[5].retry_at,
		});
	});
});

describe('Delivery → Report Outcome for a CRM batch', () => {
	it('reports a list of event ids as one outcome with event_ids', async () => {
		const sent: unknown[] = [];
		nock(BASE_URL)
			.post('/v1/delivery/report')
			.reply(200, async (request: Request) => {
				const body = (await request.json()) as { items: unknown[] };
				sent.push(...body.items);
				return {
					results: body.items.map((_item, index) => ({ index, ok: true, state: 'closed' })),
				};
			});
		const context = executeContext({
			parameters: {
				resource: 'delivery',
				operation: 'reportOutcome',
				target: 'hubspot:cafe',
				succeeded: true,
				statusCode: 200,
				errorMessage: '',
				eventId: () => ['sumup:a', ' sumup:b ', ''],
			},
			items: [{ json: {} }],
		});

		await runNode(context);

		expect(sent).toEqual([
			{ target: 'hubspot:cafe', ok: true, status: 200, event_ids: ['sumup:a', 'sumup:b'] },
		]);
	});
});
