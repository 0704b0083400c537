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
import { outcomeFields, readOutcome } from '../../shared/outcome';
import { answerFields, answersAsItems } from '../../shared/outputs';
import { callSidecarInBatches } from '../../shared/transport';

const show = showFor('redelivery', 'report');

function outcomeOf(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const ticketId = String(this.getNodeParameter('ticketId', itemIndex, '') ?? '').trim();
	return { id: ticketId, ...readOutcome.call(this, itemIndex) };
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const outcomes = await callSidecarInBatches.call(this, {
		path: '/v1/redelivery/report',
		items: items.map((_item, itemIndex) => outcomeOf.call(this, itemIndex)),
		batchSize: options.batchSize,
		limits: options.limits,
	});
	return answersAsItems.call(this, items, outcomes, (answer) => answerFields(answer));
}

export const reportDescription: INodeProperties[] = [
	{
		displayName: 'Ticket ID',
		name: 'ticketId',
		type: 'string',
		required: true,
		default: '={{ $json.id }}',
		description: 'The redelivery ticket, as Claim gives it',
		displayOptions: { show },
	},
	...outcomeFields(show, {
		succeeded:
			'Whether the redelivery worked. A failure puts the ticket back in the queue with a longer wait, or dead-letters it after its last attempt.',
		statusCode: "The target's HTTP status code, e.g. 503 (0: no HTTP answer)",
		errorMessage: 'What went wrong, kept with the attempt on the ticket',
	}),
	optionsCollection(show, [batchSizeOption, maxAttemptsOption, maxRetryTimeOption]),
];

export const reportOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
