import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ShowFor } from './operation';

/** What the three outcome fields say to the user of one operation. */
export interface OutcomeWording {
	succeeded: string;
	statusCode: string;
	errorMessage: string;
}

/** Succeeded, Status Code and Error Message: how a delivery went, as Report operations take it. */
export function outcomeFields(show: ShowFor, wording: OutcomeWording): INodeProperties[] {
	return [
		{
			displayName: 'Succeeded',
			name: 'succeeded',
			type: 'boolean',
			default: true,
			description: wording.succeeded,
			displayOptions: { show },
		},
		{
			displayName: 'Status Code',
			name: 'statusCode',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 599 },
			default: 0,
			description: wording.statusCode,
			displayOptions: { show },
		},
		{
			displayName: 'Error Message',
			name: 'errorMessage',
			type: 'string',
			default: '',
			description: wording.errorMessage,
			displayOptions: { show },
		},
	];
}

/** `{ok, status?, error?}` of one item; status 0 or empty means no HTTP answer (a network error). */
export function readOutcome(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const statusCode = Number(this.getNodeParameter('statusCode', itemIndex, 0) ?? 0);
	const errorMessage = String(this.getNodeParameter('errorMessage', itemIndex, '') ?? '').trim();
	return {
		ok: this.getNodeParameter('succeeded', itemIndex, true) === true,
		...(Number.isInteger(statusCode) && statusCode > 0 ? { status: statusCode } : {}),
		...(errorMessage ? { error: errorMessage } : {}),
	};
}
