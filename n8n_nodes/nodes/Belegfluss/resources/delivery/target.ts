import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { readText } from '../../shared/fields';
import { withNotes } from '../../shared/payload';

/** The "Target" field of Check Circuit and Report Outcome (`target`). */
export function targetField(show: { resource: string[]; operation: string[] }): INodeProperties {
	return {
		displayName: 'Target',
		name: 'target',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'hubspot:{{ $json.portal_id }}',
		description:
			'The service the item is delivered to, e.g. "hubspot:12345678" (service and account). Check Circuit and Report Outcome must name it the same way; all n8n workers share its circuit breaker.',
		displayOptions: { show },
	};
}

export function readTarget(this: IExecuteFunctions, itemIndex: number): string {
	return readText.call(this, 'target', itemIndex);
}

/**
 * The item as it was, with the circuit breaker's answer under `belegfluss.delivery`, next to
 * what earlier Belegfluss nodes noted: the item goes on to the delivery (or to the parking lot).
 */
export function withDeliveryNotes(input: INodeExecutionData, delivery: IDataObject): IDataObject {
	return withNotes(input, 'delivery', delivery);
}
