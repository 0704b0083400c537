import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import {
	batchSizeOption,
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { answersAsItems } from '../../shared/outputs';
import { callSidecarInBatches } from '../../shared/transport';

const show = showFor('quarantine', 'resolve');

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const resolutions = items.map((_item, itemIndex): IDataObject => {
		const note = String(this.getNodeParameter('note', itemIndex, '')).trim();
		return {
			id: String(this.getNodeParameter('ticketId', itemIndex)).trim(),
			resolution: String(this.getNodeParameter('resolution', itemIndex)).trim(),
			...(note ? { note } : {}),
		};
	});
	const outcomes = await callSidecarInBatches.call(this, {
		path: '/v1/quarantine/resolve',
		items: resolutions,
		batchSize: options.batchSize,
		limits: options.limits,
	});
	return answersAsItems.call(
		this,
		items,
		outcomes,
		(answer) => (answer.ticket ?? {}) as IDataObject,
	);
}

export const resolveDescription: INodeProperties[] = [
	{
		displayName: 'Ticket ID',
		name: 'ticketId',
		type: 'string',
		required: true,
		default: '={{ $json.id }}',
		description:
			'The ticket to close. The default takes the ID from tickets listed by Quarantine → List.',
		displayOptions: { show },
	},
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Corrected in the POS and sent again',
		description: 'How the ticket was settled, kept on the ticket for the audit trail',
		displayOptions: { show },
	},
	{
		displayName: 'Note',
		name: 'note',
		type: 'string',
		default: '',
		description: 'Anything else worth keeping on the ticket',
		displayOptions: { show },
	},
	optionsCollection(show, [batchSizeOption, maxAttemptsOption, maxRetryTimeOption]),
];

export const resolveOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
