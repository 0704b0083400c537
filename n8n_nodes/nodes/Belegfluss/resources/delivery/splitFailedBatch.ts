/**
 * Split Failed Batch: a CRM batch the CRM refused, as it comes out of an HTTP Request node's
 * error output (the batch's fields plus n8n's `error`), turned into one item per sale with the
 * status code and the error text, ready for Delivery → Report Outcome (the circuit breaker counts
 * each sale) and, in the Redelivery template, for Redelivery → Report with the sale's ticket.
 *
 * It runs inside n8n and calls nothing. Nothing is dropped: every event id of the batch becomes
 * an item, also when n8n's error names no status code.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';

const show = showFor('delivery', 'splitFailedBatch');

const MAX_MESSAGE_LENGTH = 500;

/** What n8n's HTTP Request node puts under `error` when a call fails after its retries. */
interface HttpNodeError {
	message?: string;
	description?: string;
	httpCode?: string | number;
	cause?: { message?: string; status?: number };
}

/** The HTTP status of a failed call (0 when n8n names none), and its error text. */
export function describeFailure(error: HttpNodeError = {}, fallbackMessage: string) {
	const text = [error.cause?.message, error.message, error.description].filter(Boolean).join(' ');
	// Older errors carry the status only in their text ("429 - Too Many Requests").
	const statusInText = /\b([45]\d\d)\b/.exec(text)?.[1];
	const status = Number(error.httpCode ?? error.cause?.status ?? statusInText ?? 0) || 0;
	const message = [error.message, error.description]
		.filter(Boolean)
		.join(': ')
		.slice(0, MAX_MESSAGE_LENGTH);
	return { status_code: status, error_message: message || fallbackMessage };
}

function asStrings(value: unknown): string[] {
	return Array.isArray(value) ? value.map(String) : [];
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, item] of this.getInputData().entries()) {
		const fallbackMessage = String(this.getNodeParameter('fallbackMessage', itemIndex, ''));
		const batch = item.json as IDataObject;
		const failure = describeFailure(batch.error as HttpNodeError | undefined, fallbackMessage);
		const ticketIds = asStrings(batch.ticket_ids);
		for (const [position, eventId] of asStrings(batch.event_ids).entries()) {
			const sale: IDataObject = { event_id: eventId, target: batch.target, ...failure };
			// Redelivery batches name each sale's ticket, in the order of their event ids.
			if (ticketIds.length > 0) sale.ticket_id = ticketIds[position];
			output.push({ json: sale, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}

export const splitFailedBatchDescription: INodeProperties[] = [
	{
		displayName: 'Fallback Message',
		name: 'fallbackMessage',
		type: 'string',
		default: 'CRM call failed',
		description: 'The error text for a sale when n8n gives none for the failed call',
		displayOptions: { show },
	},
];

export const splitFailedBatchOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
