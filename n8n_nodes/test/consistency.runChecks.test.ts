import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { BASE_URL, executeContext, runNode } from './helpers/context';

const report = {
	checked_at: '2026-03-15T02:30:00+00:00',
	findings: [
		{
			check: 'undelivered_sale',
			subject: 'sumup:TX1',
			message: 'Sale sumup:TX1 was stored but never reported as delivered to hubspot:cafe-berlin',
			fixed: false,
			action: 'queued for redelivery',
			ticket_id: 'q_9',
		},
	],
	fixed: 0,
	tickets: 1,
};

describe('Consistency → Run Checks', () => {
	it('runs all checks once per run and gives the report as one item', async () => {
		const scope = nock(BASE_URL)
			.post('/v1/check', { fix: true, grace_minutes: 60 })
			.once()
			.reply(200, report);
		const context = executeContext({
			parameters: {
				resource: 'consistency',
				operation: 'runChecks',
				checks: [],
				fix: true,
				graceMinutes: 60,
			},
			items: [{ json: {} }, { json: {} }],
		});

		const [output] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(output).toEqual([{ json: report, pairedItem: { item: 0 } }]);
	});

	it('sends only the chosen checks, the grace period and whether to fix', async () => {
		const scope = nock(BASE_URL)
			.post('/v1/check', { checks: ['undelivered_sales'], fix: false, grace_minutes: 0 })
			.reply(200, { ...report, findings: [], tickets: 0 });
		const context = executeContext({
			parameters: {
				resource: 'consistency',
				operation: 'runChecks',
				checks: ['undelivered_sales'],
				fix: false,
				graceMinutes: 0,
			},
		});

		await runNode(context);

		expect(scope.isDone()).toBe(true);
	});
});
