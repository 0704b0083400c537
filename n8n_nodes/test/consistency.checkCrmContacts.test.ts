import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { expectStoppedAtItem } from './helpers/assertions';
import { BASE_URL, executeContext, runNode } from './helpers/context';
import { recordedResults, recording, replay } from './helpers/recorded';
import { batchEndpoint } from './helpers/sidecar';
import checkCrmContactsJson from './recorded/check-crm-contacts.json';

const checkContacts = { resource: 'consistency', operation: 'checkCrmContacts' };

/**
 * Lena and Lara Becker turned out to be one person (review approved): contact 501 carries the
 * survivor's golden id, 502 the merged one, 503 an id the graph never heard of, 504 none.
 */
const recorded = recording(checkCrmContactsJson);
const answers = recordedResults(recorded);
const sentContacts = (recorded.request.body?.items ?? []) as IDataObject[];
const contacts: INodeExecutionData[] = sentContacts.map((contact) => ({
	json: { ...contact, email: `kontakt${String(contact.contact_id)}@example.de` },
}));

function context(
	parameters: IDataObject = {},
	items = contacts.slice(0, 3),
	continueOnFail = false,
) {
	return executeContext({
		parameters: {
			...checkContacts,
			target: 'hubspot:cafe-berlin',
			contactId: (itemIndex: number) => items[itemIndex].json.contact_id,
			goldenId: (itemIndex: number) => items[itemIndex].json.golden_id,
			...parameters,
		},
		items,
		continueOnFail,
	});
}

/** What the sidecar said about contact `index`, without the batch bookkeeping. */
function crmContact(index: number): IDataObject {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { index: _index, ok, ...fields } = answers[index];
	return fields;
}

describe('Consistency → Check CRM Contacts', () => {
	it('puts a contact pointing at a merged golden customer on "Stale", naming the id to carry now', async () => {
		replay(recorded);

		const [current, stale] = await runNode(context({}, contacts, true));

		expect(stale).toEqual([
			{
				json: { ...contacts[1].json, belegfluss: { crm_contact: crmContact(1) } },
				pairedItem: { item: 1 },
			},
		]);
		expect(crmContact(1)).toMatchObject({
			stale: true,
			current_golden_id: contacts[0].json.golden_id,
		});
		// Nothing to change in the CRM for 501; 503's unknown golden id became a ticket.
		expect(current.slice(0, 2)).toEqual([
			{
				json: { ...contacts[0].json, belegfluss: { crm_contact: crmContact(0) } },
				pairedItem: { item: 0 },
			},
			{
				json: { ...contacts[2].json, belegfluss: { crm_contact: crmContact(2) } },
				pairedItem: { item: 2 },
			},
		]);
		expect(crmContact(2)).toMatchObject({ current_golden_id: null, stale: false });
		expect(String(crmContact(2).ticket_id)).toMatch(/^q_/);
		// A contact without a golden id is a mistake in the workflow: an error item.
		expect(current[2]).toMatchObject({
			json: { error: 'Item 3 was rejected by Belegfluss: schema.string_too_short' },
			pairedItem: { item: 3 },
		});
	});

	it('stops the workflow at a contact without a golden id unless continuing on fail', async () => {
		replay(recorded);

		await expectStoppedAtItem(runNode(context({}, contacts)), 3, ['schema.string_too_short']);
	});

	it('keeps what earlier Belegfluss nodes noted on the item', async () => {
		batchEndpoint('/v1/check/crm-contacts', (item) => ({
			ok: true,
			...item,
			current_golden_id: item.golden_id,
			stale: false,
		}));
		const noted = [{ json: { ...contacts[0].json, belegfluss: { event_id: 'canonical:1' } } }];

		const [current] = await runNode(context({}, noted));

		expect(current[0].json.belegfluss).toEqual({
			event_id: 'canonical:1',
			crm_contact: {
				...sentContacts[0],
				current_golden_id: sentContacts[0].golden_id,
				stale: false,
			},
		});
	});

	it('sends the contacts in batches, one request per CRM', async () => {
		const targets = ['hubspot:cafe-berlin', 'hubspot:shop-hamburg', 'hubspot:cafe-berlin'];
		const { batches } = batchEndpoint('/v1/check/crm-contacts', (item) => ({
			ok: true,
			...item,
			current_golden_id: 'gc_survivor',
			stale: item.golden_id !== 'gc_survivor',
		}));

		const [current, stale] = await runNode(
			context({ target: (itemIndex: number) => targets[itemIndex], options: { batchSize: 1 } }),
		);

		expect(batches.map((batch) => [batch.body.target, batch.body.items])).toEqual([
			['hubspot:cafe-berlin', [sentContacts[0]]],
			['hubspot:cafe-berlin', [sentContacts[2]]],
			['hubspot:shop-hamburg', [sentContacts[1]]],
		]);
		expect(current).toEqual([]);
		expect(stale.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('names the input item whose request failed, when contacts of several CRMs go in batches', async () => {
		// Requests go per CRM: cafe-berlin carries items 0 and 2, one per batch; the second fails.
		const targets = ['hubspot:cafe-berlin', 'hubspot:shop-hamburg', 'hubspot:cafe-berlin'];
		const failing = sentContacts[2].contact_id;
		nock(BASE_URL)
			.persist()
			.post('/v1/check/crm-contacts')
			.reply(async (request: Request): Promise<nock.ReplyFnResult> => {
				const [contact] = ((await request.json()) as { items: IDataObject[] }).items;
				if (contact.contact_id === failing) {
					return [503, { error: { code: 'store.unavailable', message: 'Restarting' } }];
				}
				return [200, { results: [{ index: 0, ok: true, ...contact, stale: false }] }];
			});
		const parameters = {
			target: (itemIndex: number) => targets[itemIndex],
			options: { batchSize: 1, maxAttempts: 1 },
		};

		const error = await runNode(context(parameters)).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).context.itemIndex).toBe(2);

		const [current] = await runNode(context(parameters, contacts.slice(0, 3), true));
		expect(current.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(current[2].json.error).toContain('store.unavailable');
		expect(current[2].error?.context.itemIndex).toBe(2);
	});

	it('refuses a contact without a CRM target itself, without asking the sidecar about it', async () => {
		const { batches } = batchEndpoint('/v1/check/crm-contacts', (item) => ({
			ok: true,
			...item,
			current_golden_id: item.golden_id,
			stale: false,
		}));
		const targets = ['hubspot:cafe-berlin', '', 'hubspot:cafe-berlin'];
		const target = (itemIndex: number) => targets[itemIndex];

		await expectStoppedAtItem(runNode(context({ target })), 1, ['node.target_missing']);

		const [current] = await runNode(context({ target }, contacts.slice(0, 3), true));
		expect(current.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(current[1].json).toEqual({
			error: 'Item 1 was rejected by Belegfluss: node.target_missing',
		});
		expect(batches[batches.length - 1].body.items).toEqual([sentContacts[0], sentContacts[2]]);
	});
});
