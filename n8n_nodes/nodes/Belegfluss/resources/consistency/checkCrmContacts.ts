import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor } from '../../shared/operation';
import {
	batchSizeOption,
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { answerFields, splitByVerdict } from '../../shared/outputs';
import { localRejection, type PreparedItem, withNotes } from '../../shared/payload';
import { readText } from '../../shared/fields';
import { readTarget } from '../delivery/target';
import { sendPreparedToSidecar } from '../../shared/send';

const show = showFor('consistency', 'checkCrmContacts');

/** The contact as the sidecar checks it, under the CRM it comes from (request field `target`). */
function prepareContact(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const target = readTarget.call(this, itemIndex);
	if (!target) {
		return {
			outcome: localRejection(
				'node.target_missing',
				'$',
				'The item names no CRM (Target is empty)',
			),
		};
	}
	const contact = {
		contact_id: readText.call(this, 'contactId', itemIndex),
		golden_id: readText.call(this, 'goldenId', itemIndex),
	};
	return { payload: contact, fields: { target } };
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const prepared = items.map((_item, itemIndex) => prepareContact.call(this, itemIndex));
	const outcomes = await sendPreparedToSidecar.call(
		this,
		'/v1/check/crm-contacts',
		prepared,
		options,
	);
	// A contact without an ID or golden id is a mistake in the workflow (an error item), not a finding.
	return splitByVerdict.call(this, items, outcomes, {
		passes: (answer) => answer.stale !== true,
		json: (answer, input) => withNotes(input, 'crm_contact', answerFields(answer)),
	});
}

export const checkCrmContactsDescription: INodeProperties[] = [
	{
		displayName: 'Target',
		name: 'target',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'hubspot:cafe-berlin',
		description:
			'The CRM the contacts come from, e.g. "hubspot:cafe-berlin": the audit trail and tickets name a contact by it and its ID. Items of several CRMs are sent in one request per CRM.',
		displayOptions: { show },
	},
	{
		displayName: 'Contact ID',
		name: 'contactId',
		type: 'string',
		required: true,
		default: '={{ $json.contact_id }}',
		description: "The contact's ID in the CRM",
		displayOptions: { show },
	},
	{
		displayName: 'Golden ID',
		name: 'goldenId',
		type: 'string',
		required: true,
		default: '={{ $json.golden_id }}',
		description:
			'The golden customer ID the contact carries (HubSpot: the property belegfluss_golden_id)',
		displayOptions: { show },
	},
	optionsCollection(show, [batchSizeOption, maxAttemptsOption, maxRetryTimeOption]),
];

export const checkCrmContactsOperation: Operation = {
	outputs: ['Current', 'Stale'],
	execute,
};
