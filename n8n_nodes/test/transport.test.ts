import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';

import { callSidecar, callSidecarInBatches } from '../nodes/Belegfluss/shared/transport';
import { BASE_URL, executeContext, recordedSleeps } from './helpers/context';
import { batchEndpoint } from './helpers/sidecar';

const limits = { maxAttempts: 5, maxRetryTimeSeconds: 120 };

function payloads(count: number): IDataObject[] {
	return Array.from({ length: count }, (_, index) => ({ receipt: `R-${index}` }));
}

async function sendBatches(count: number, batchSize = 500) {
	const endpoint = batchEndpoint('/v1/validate', (item) => ({ ok: true, echo: item.receipt }));
	const context = executeContext({ parameters: {} });
	const outcomes = await callSidecarInBatches.call(context, {
		path: '/v1/validate',
		items: payloads(count),
		fields: { store: true },
		batchSize,
		limits,
	});
	return { outcomes, batches: endpoint.batches };
}

describe('batching', () => {
	it('sends a single item in one request', async () => {
		const { outcomes, batches } = await sendBatches(1);

		expect(batches.map((batch) => batch.body.items.length)).toEqual([1]);
		expect(batches[0].body.store).toBe(true);
		expect(outcomes.map((outcome) => outcome.answer?.echo)).toEqual(['R-0']);
	});

	it('sends 500 items in exactly one request of 500', async () => {
		const { outcomes, batches } = await sendBatches(500);

		expect(batches.map((batch) => batch.body.items.length)).toEqual([500]);
		expect(outcomes).toHaveLength(500);
	});

	it('splits 1,001 items into 500 + 500 + 1 and keeps every answer with its item', async () => {
		const { outcomes, batches } = await sendBatches(1001);

		expect(batches.map((batch) => batch.body.items.length)).toEqual([500, 500, 1]);
		expect(batches[2].body.items[0]).toEqual({ receipt: 'R-1000' });
		// The stand-in answers each batch in reverse order: answers are matched by index.
		expect(outcomes.map((outcome) => outcome.answer?.echo)).toEqual(
			payloads(1001).map((payload) => payload.receipt),
		);
	});

	it('honours a smaller Batch Size', async () => {
		const { batches } = await sendBatches(7, 3);

		expect(batches.map((batch) => batch.body.items.length)).toEqual([3, 3, 1]);
	});

	it('refuses an answer that leaves an item out', async () => {
		nock(BASE_URL)
			.post('/v1/map')
			.reply(200, { results: [{ index: 0, ok: true }] });
		const context = executeContext({ parameters: {} });

		const sending = callSidecarInBatches.call(context, {
			path: '/v1/map',
			items: payloads(2),
			batchSize: 500,
			limits,
		});

		await expect(sending).rejects.toThrow('sent no answer for item 1');
	});
});

describe('errors name the input item, not its place in the call', () => {
	// Items 4, 7 and 9 of the node's input, sent in one call (say, those of one profile).
	const itemIndexes = [4, 7, 9];

	it('names the first input item of a failed batch', async () => {
		nock(BASE_URL)
			.post('/v1/map')
			.reply(200, {
				results: [
					{ index: 0, ok: true },
					{ index: 1, ok: true },
				],
			})
			.post('/v1/map')
			.reply(500, { error: { code: 'internal', message: 'Boom' } });
		const context = executeContext({ parameters: {} });

		const error = await callSidecarInBatches
			.call(context, { path: '/v1/map', items: payloads(3), itemIndexes, batchSize: 2, limits })
			.catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).context.itemIndex).toBe(9);
	});

	it('names it on the failure each item of the batch carries when continuing on fail', async () => {
		nock(BASE_URL)
			.post('/v1/map')
			.reply(500, { error: { code: 'internal', message: 'Boom' } });
		batchEndpoint('/v1/map', () => ({ ok: true }));
		const context = executeContext({ parameters: {}, continueOnFail: true });

		const outcomes = await callSidecarInBatches.call(context, {
			path: '/v1/map',
			items: payloads(3),
			itemIndexes: [9, 4, 7],
			batchSize: 1,
			limits,
		});

		expect(outcomes[0].failure?.context.itemIndex).toBe(9);
		expect(outcomes.slice(1).map((outcome) => outcome.answer?.ok)).toEqual([true, true]);
	});

	it('names the input item the sidecar sent no answer for', async () => {
		nock(BASE_URL)
			.post('/v1/map')
			.reply(200, { results: [{ index: 0, ok: true }] });
		const context = executeContext({ parameters: {} });

		const error = await callSidecarInBatches
			.call(context, { path: '/v1/map', items: payloads(2), itemIndexes, batchSize: 500, limits })
			.catch((caught: unknown) => caught);

		expect((error as NodeApiError).message).toBe(
			'The Belegfluss sidecar sent no answer for item 7',
		);
		expect((error as NodeApiError).context.itemIndex).toBe(7);
	});
});

describe('retries when the sidecar is busy', () => {
	it('waits as long as Retry-After says in seconds, then succeeds', async () => {
		nock(BASE_URL)
			.get('/v1/profiles/berlin')
			.reply(429, { error: { code: 'rate_limited', message: 'Slow down' } }, { 'Retry-After': '3' })
			.get('/v1/profiles/berlin')
			.reply(200, { id: 'berlin' });
		const context = executeContext({ parameters: {} });

		const profile = await callSidecar.call(
			context,
			{ method: 'GET', path: '/v1/profiles/berlin' },
			limits,
		);

		expect(profile).toEqual({ id: 'berlin' });
		expect(recordedSleeps()).toEqual([3000]);
	});

	it('waits until the HTTP date a Retry-After names', async () => {
		const inTwelveSeconds = new Date(Date.now() + 12_000).toUTCString();
		nock(BASE_URL)
			.post('/v1/map')
			.reply(503, 'busy', { 'Retry-After': inTwelveSeconds })
			.post('/v1/map')
			.reply(200, { results: [{ index: 0, ok: true }] });
		const context = executeContext({ parameters: {} });

		await callSidecarInBatches.call(context, {
			path: '/v1/map',
			items: payloads(1),
			batchSize: 500,
			limits,
		});

		expect(recordedSleeps()).toEqual([12_000]);
	});

	it.each([429, 502, 503, 504])('retries HTTP %i with growing, jittered waits', async (status) => {
		vi.spyOn(Math, 'random').mockReturnValue(1);
		const scope = nock(BASE_URL)
			.get('/v1/quarantine')
			.times(3)
			.reply(status)
			.get('/v1/quarantine')
			.reply(200, { tickets: [] });
		const context = executeContext({ parameters: {} });

		await callSidecar.call(context, { method: 'GET', path: '/v1/quarantine' }, limits);

		// Random part at its maximum: waits double from 0.5 s.
		expect(recordedSleeps()).toEqual([500, 1000, 2000]);
		expect(scope.isDone()).toBe(true);
	});

	it('puts half of each backoff wait up to chance', async () => {
		vi.spyOn(Math, 'random').mockReturnValue(0);
		nock(BASE_URL).get('/v1/quarantine').times(2).reply(503).get('/v1/quarantine').reply(200, {});
		const context = executeContext({ parameters: {} });

		await callSidecar.call(context, { method: 'GET', path: '/v1/quarantine' }, limits);

		expect(recordedSleeps()).toEqual([250, 500]);
	});

	it('gives up after Max Attempts and reports the last answer', async () => {
		const scope = nock(BASE_URL)
			.get('/v1/quarantine')
			.times(3)
			.reply(
				503,
				{ error: { code: 'store.unavailable', message: 'Database is restarting' } },
				{ 'Retry-After': '1' },
			);
		const context = executeContext({ parameters: {} });

		const calling = callSidecar.call(
			context,
			{ method: 'GET', path: '/v1/quarantine' },
			{ maxAttempts: 3, maxRetryTimeSeconds: 120 },
		);

		const error = await calling.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('503');
		expect((error as NodeApiError).message).toContain('store.unavailable');
		expect((error as NodeApiError).description).toContain('Gave up after 3 attempts');
		expect(recordedSleeps()).toEqual([1000, 1000]);
		expect(scope.isDone()).toBe(true);
	});

	it('gives up when the next wait would end after Max Retry Time', async () => {
		nock(BASE_URL).get('/v1/quarantine').times(3).reply(429, {}, { 'Retry-After': '4' });
		const context = executeContext({ parameters: {} });

		const calling = callSidecar.call(
			context,
			{ method: 'GET', path: '/v1/quarantine' },
			{ maxAttempts: 10, maxRetryTimeSeconds: 10 },
		);

		await expect(calling).rejects.toThrow(NodeApiError);
		// 0 s, 4 s and 8 s: a fourth try would start after 12 s.
		expect(recordedSleeps()).toEqual([4000, 4000]);
		expect(nock.isDone()).toBe(true);
	});

	it('does not wait at all for a Retry-After beyond the time budget', async () => {
		nock(BASE_URL).get('/v1/quarantine').reply(429, {}, { 'Retry-After': '600' });
		const context = executeContext({ parameters: {} });

		const calling = callSidecar.call(
			context,
			{ method: 'GET', path: '/v1/quarantine' },
			{ maxAttempts: 5, maxRetryTimeSeconds: 60 },
		);

		await expect(calling).rejects.toThrow(NodeApiError);
		expect(recordedSleeps()).toEqual([]);
	});

	it('does not retry an answer that will not change, such as a malformed request', async () => {
		nock(BASE_URL)
			.post('/v1/map')
			.reply(422, { error: { code: 'body.invalid', message: 'source: unknown POS "lightspeed"' } });
		const context = executeContext({ parameters: {} });

		const error = await callSidecarInBatches
			.call(context, { path: '/v1/map', items: payloads(2), batchSize: 500, limits })
			.catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('422');
		expect((error as NodeApiError).message).toBe('body.invalid: source: unknown POS "lightspeed"');
		expect(recordedSleeps()).toEqual([]);
	});
});

describe('continue on fail', () => {
	it('marks only the items of the failed batch, and sends the next batches', async () => {
		nock(BASE_URL)
			.post('/v1/map')
			.reply(401, { error: { code: 'auth.invalid_key', message: 'Unknown API key' } });
		const second = batchEndpoint('/v1/map', () => ({ ok: true }));
		const context = executeContext({ parameters: {}, continueOnFail: true });

		const outcomes = await callSidecarInBatches.call(context, {
			path: '/v1/map',
			items: payloads(5),
			batchSize: 2,
			limits,
		});

		expect(outcomes.map((outcome) => (outcome.failure ? 'failed' : 'answered'))).toEqual([
			'failed',
			'failed',
			'answered',
			'answered',
			'answered',
		]);
		expect(outcomes[0].failure?.message).toContain('auth.invalid_key');
		expect(second.batches.map((batch) => batch.body.items.length)).toEqual([2, 1]);
	});

	it('stops at the failed batch otherwise', async () => {
		nock(BASE_URL)
			.post('/v1/map')
			.reply(500, { error: { code: 'internal', message: 'Boom' } });
		const context = executeContext({ parameters: {} });

		const sending = callSidecarInBatches.call(context, {
			path: '/v1/map',
			items: payloads(3),
			batchSize: 2,
			limits,
		});

		await expect(sending).rejects.toThrow('internal: Boom');
	});
});
