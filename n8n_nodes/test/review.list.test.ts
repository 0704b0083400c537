import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { BASE_URL, executeContext, runNode } from './helpers/context';
import { recording, replay } from './helpers/recorded';
import reviewListJson from './recorded/review-list.json';

const list = { resource: 'review', operation: 'list' };

/** The open review queue: Lara Becker might be Lena Becker (same family address and e-mail). */
const recorded = recording(reviewListJson);
const reviews = (recorded.response.json?.reviews ?? []) as Array<Record<string, unknown>>;

describe('Review → List', () => {
	it('lists the open review items, one output item each', async () => {
		const scope = replay(recorded);
		const context = executeContext({
			parameters: { ...list, returnAll: false, limit: 50, filters: { status: 'open' } },
		});

		const [output] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(output).toEqual(reviews.map((review) => ({ json: review, pairedItem: { item: 0 } })));
		expect(output[0].json).toMatchObject({ status: 'open', review_id: 1 });
		expect(output[0].json.record).toMatchObject({ first_name: 'Lara' });
		expect(output[0].json.candidate_record).toMatchObject({ first_name: 'Lena' });
	});

	it('pages through all review items with Return All', async () => {
		const page = (from: number, count: number) =>
			Array.from({ length: count }, (_, n) => ({ review_id: from + n, status: 'approved' }));
		nock(BASE_URL)
			.get('/v1/review')
			.query({ status: 'approved', limit: '100', offset: '0' })
			.reply(200, { reviews: page(1, 100), total: 101 })
			.get('/v1/review')
			.query({ status: 'approved', limit: '100', offset: '100' })
			.reply(200, { reviews: page(101, 1), total: 101 });
		const context = executeContext({
			parameters: { ...list, returnAll: true, filters: { status: 'approved' } },
		});

		const [output] = await runNode(context);

		expect(output.map((item) => item.json.review_id)).toEqual(page(1, 101).map((r) => r.review_id));
		expect(nock.isDone()).toBe(true);
	});
});
