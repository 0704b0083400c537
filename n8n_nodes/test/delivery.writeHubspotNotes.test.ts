import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { executeContext, runNode } from './helpers/context';

/** A CRM batch as Take In POS Sales puts it out: two sales of one buyer, one of another. */
function crmBatch(target = 'hubspot:cafe-berlin') {
	const note = (code: string) => ({
		properties: { hs_timestamp: '2025-03-14T08:12:30+00:00', hs_note_body: `Purchase ${code}` },
	});
	return {
		target,
		base_url: 'http://hubspot.test',
		event_ids: ['sumup:A1', 'sumup:A2', 'sumup:B1'],
		upsert_body: '{"inputs":[]}',
		notes: [
			{ golden_id: 'gc_anna', ...note('A1') },
			{ golden_id: 'gc_anna', ...note('A2') },
			{ golden_id: 'gc_ben', ...note('B1') },
		],
	};
}

/** HubSpot's batch upsert answer: the contact id of each golden id (Ben's is missing here). */
function upsertAnswer() {
	return {
		json: {
			status: 'COMPLETE',
			results: [{ id: '901', properties: { belegfluss_golden_id: 'gc_anna', email: 'a@x.de' } }],
		},
	};
}

function context(
	items: Array<{ json: object }>,
	crmBatchParameter: unknown,
	continueOnFail = false,
) {
	return executeContext({
		parameters: {
			resource: 'delivery',
			operation: 'writeHubspotNotes',
			crmBatch: crmBatchParameter,
			contactsField: 'results',
		},
		items: items as never,
		continueOnFail,
	});
}

const TO_CONTACT_901 = [
	{
		to: { id: '901' },
		types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }],
	},
];

describe('Delivery → Write HubSpot Notes', () => {
	it("associates each note with its buyer's contact and keeps what the next steps need", async () => {
		nock.disableNetConnect();
		const [output] = await runNode(context([upsertAnswer()], crmBatch()));

		expect(output).toHaveLength(1);
		const { body, ...rest } = output[0].json;
		expect(rest).toEqual({
			target: 'hubspot:cafe-berlin',
			base_url: 'http://hubspot.test',
			event_ids: ['sumup:A1', 'sumup:A2', 'sumup:B1'],
		});
		expect(JSON.parse(body as string)).toEqual({
			inputs: [
				{ properties: crmBatch().notes[0].properties, associations: TO_CONTACT_901 },
				{ properties: crmBatch().notes[1].properties, associations: TO_CONTACT_901 },
				// HubSpot named no contact for Ben's golden id: the note is still written.
				{ properties: crmBatch().notes[2].properties },
			],
		});
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});

	it('takes the CRM batch per item, also as JSON text', async () => {
		const batches = [crmBatch('hubspot:one'), crmBatch('hubspot:two')];
		const [output] = await runNode(
			context([upsertAnswer(), upsertAnswer()], (itemIndex: number) =>
				itemIndex === 1 ? JSON.stringify(batches[1]) : batches[0],
			),
		);

		expect(output.map((item) => item.json.target)).toEqual(['hubspot:one', 'hubspot:two']);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('names the item whose CRM batch has no notes', async () => {
		await expect(runNode(context([upsertAnswer()], { target: 'hubspot:x' }))).rejects.toMatchObject(
			{
				message: 'The CRM batch has no list of notes',
				context: { itemIndex: 0 },
			},
		);
	});

	it('puts out an error item instead when the node continues on fail', async () => {
		const [output] = await runNode(context([upsertAnswer()], '', true));

		expect(output).toHaveLength(1);
		expect(output[0]).toMatchObject({
			json: { error: 'The CRM batch has no list of notes' },
			pairedItem: { item: 0 },
		});
		expect(output[0].error?.message).toBe('The CRM batch has no list of notes');
	});
});
