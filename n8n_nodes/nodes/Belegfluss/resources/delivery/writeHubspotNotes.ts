/**
 * Write HubSpot Notes: the step between HubSpot's contact upsert and its notes batch create in
 * the POS template. A CRM batch from Take In POS Sales carries one purchase note per sale, keyed
 * by the buyer's golden id; HubSpot's upsert answer names the contact id of each golden id. This
 * operation joins the two into the body of `POST /crm/v3/objects/notes/batch/create`.
 *
 * It runs inside n8n and calls nothing: a Code node would do the same, but n8n hands a Code
 * node's data to its task runner process, which costs more than the join itself.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readText } from '../../shared/fields';
import { errorItemOrThrow } from '../../shared/outputs';
import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import { valueAtPath } from '../../shared/payload';

const show = showFor('delivery', 'writeHubspotNotes');

/** The custom unique contact property Belegfluss upserts HubSpot contacts by. */
export const GOLDEN_ID_PROPERTY = 'belegfluss_golden_id';
/** HubSpot's association type "note to contact". */
export const NOTE_TO_CONTACT_ASSOCIATION = 202;

/** A planned purchase note of a CRM batch: HubSpot's note input plus the buyer's golden id. */
interface PlannedNote extends IDataObject {
	golden_id?: string;
}

/** The item's CRM batch (an object, or its JSON text); `undefined` when it holds no notes. */
function crmBatchOf(this: IExecuteFunctions, itemIndex: number): IDataObject | undefined {
	let batch = this.getNodeParameter('crmBatch', itemIndex, undefined) as unknown;
	if (typeof batch === 'string') {
		try {
			batch = JSON.parse(batch) as unknown;
		} catch {
			return undefined;
		}
	}
	const isBatch =
		typeof batch === 'object' && batch !== null && Array.isArray((batch as IDataObject).notes);
	return isBatch ? (batch as IDataObject) : undefined;
}

/** Golden id → HubSpot contact id, from the contacts of HubSpot's upsert answer. */
function contactIdsOf(this: IExecuteFunctions, item: INodeExecutionData, itemIndex: number) {
	const contacts = valueAtPath(item.json, readText.call(this, 'contactsField', itemIndex));
	const contactIds = new Map<string, string>();
	for (const contact of Array.isArray(contacts) ? (contacts as IDataObject[]) : []) {
		const goldenId = (contact?.properties as IDataObject | undefined)?.[GOLDEN_ID_PROPERTY];
		if (goldenId && contact.id) contactIds.set(String(goldenId), String(contact.id));
	}
	return contactIds;
}

/** The note as HubSpot takes it, associated with its buyer's contact when HubSpot named one. */
function noteInput({ golden_id: goldenId, ...note }: PlannedNote, contactIds: Map<string, string>) {
	const contactId = goldenId ? contactIds.get(goldenId) : undefined;
	if (!contactId) return note;
	return {
		...note,
		associations: [
			{
				to: { id: contactId },
				types: [
					{
						associationCategory: 'HUBSPOT_DEFINED',
						associationTypeId: NOTE_TO_CONTACT_ASSOCIATION,
					},
				],
			},
		],
	};
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, item] of this.getInputData().entries()) {
		const crmBatch = crmBatchOf.call(this, itemIndex);
		if (!crmBatch) {
			const error = new NodeOperationError(this.getNode(), 'The CRM batch has no list of notes', {
				itemIndex,
				description:
					'Set CRM Batch to the item Take In POS Sales put out for the contacts this item upserted.',
			});
			output.push(errorItemOrThrow.call(this, error, itemIndex));
			continue;
		}
		const { notes, ...batch } = crmBatch;
		delete batch.upsert_body; // sent already; the notes' call does not need it
		const contactIds = contactIdsOf.call(this, item, itemIndex);
		const inputs = (notes as PlannedNote[]).map((note) => noteInput(note, contactIds));
		// The body as text, as HubSpot takes it: n8n passes one string on, not 100 objects.
		output.push({
			json: { ...batch, body: JSON.stringify({ inputs }) },
			pairedItem: { item: itemIndex },
		});
	}
	return [output];
}

export const writeHubspotNotesDescription: INodeProperties[] = [
	{
		displayName: 'CRM Batch',
		name: 'crmBatch',
		type: 'json',
		required: true,
		default: '',
		placeholder: "{{ $('Take in POS sales').item.json }}",
		description:
			'The CRM batch of Take In POS Sales whose contacts this item upserted (its notes, target, base URL and event IDs): the item of Take In POS Sales paired with this one',
		displayOptions: { show },
	},
	{
		displayName: 'Contacts Field',
		name: 'contactsField',
		type: 'string',
		default: 'results',
		placeholder: 'results',
		description:
			"Field of the input item that holds the contacts of HubSpot's batch upsert answer, each with its ID and the belegfluss_golden_id property",
		displayOptions: { show },
	},
];

export const writeHubspotNotesOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
