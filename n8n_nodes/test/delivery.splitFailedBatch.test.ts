import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { describeFailure } from '../nodes/Belegfluss/resources/delivery/splitFailedBatch';
import { executeContext, runNode } from './helpers/context';

/** A CRM batch as an HTTP Request node's error output gives it: the batch's fields plus `error`. */
function failedBatch(error: object, ticketIds?: string[]) {
	return {
		json: {
			target: 'hubspot:cafe-berlin',
			base_url: 'http://hubspot.test',
			event_ids: ['sumup:A1', 'sumup:A2'],
			...(ticketIds ? { ticket_ids: ticketIds } : {}),
			error,
		},
	};
}

function context(items: Array<{ json: object }>) {
	return executeContext({
		parameters: {
			resource: 'delivery',
			operation: 'splitFailedBatch',
			fallbackMessage: 'HubSpot call failed',
		},
		items: items as never,
	});
}

describe('Delivery → Split Failed Batch', () => {
	it('gives one item per sale with the status code and error text, calling nothing', async () => {
		nock.disableNetConnect();
		const rateLimited = failedBatch({
			message: 'The service is receiving too many requests from you',
			description: 'Rate limit hit',
			httpCode: '429',
		});
		const unavailable = failedBatch({ message: 'Service unavailable', cause: { status: 503 } });

		const [output] = await runNode(context([rateLimited, unavailable]));

		expect(output).toEqual([
			{
				json: {
					event_id: 'sumup:A1',
					target: 'hubspot:cafe-berlin',
					status_code: 429,
					error_message: 'The service is receiving too many requests from you: Rate limit hit',
				},
				pairedItem: { item: 0 },
			},
			{
				json: expect.objectContaining({ event_id: 'sumup:A2', status_code: 429 }),
				pairedItem: { item: 0 },
			},
			{
				json: expect.objectContaining({ event_id: 'sumup:A1', status_code: 503 }),
				pairedItem: { item: 1 },
			},
			{
				json: expect.objectContaining({ event_id: 'sumup:A2', status_code: 503 }),
				pairedItem: { item: 1 },
			},
		]);
	});

	it("names each sale's ticket when the batch lists its tickets (Redelivery)", async () => {
		const [output] = await runNode(context([failedBatch({ httpCode: 500 }, ['q_1', 'q_2'])]));

		expect(output.map(({ json }) => [json.event_id, json.ticket_id])).toEqual([
			['sumup:A1', 'q_1'],
			['sumup:A2', 'q_2'],
		]);
	});

	it('keeps every sale when n8n names no status: code 0 and the fallback text', async () => {
		const [output] = await runNode(context([failedBatch({})]));

		expect(output.map(({ json }) => json)).toEqual([
			{
				event_id: 'sumup:A1',
				target: 'hubspot:cafe-berlin',
				status_code: 0,
				error_message: 'HubSpot call failed',
			},
			{
				event_id: 'sumup:A2',
				target: 'hubspot:cafe-berlin',
				status_code: 0,
				error_message: 'HubSpot call failed',
			},
		]);
	});

	it('reads a status code out of the error text when n8n gives it only there', () => {
		expect(describeFailure({ message: '503 - "Service Unavailable"' }, 'x')).toEqual({
			status_code: 503,
			error_message: '503 - "Service Unavailable"',
		});
		expect(describeFailure({ message: 'a'.repeat(600) }, 'x').error_message).toHaveLength(500);
	});
});
