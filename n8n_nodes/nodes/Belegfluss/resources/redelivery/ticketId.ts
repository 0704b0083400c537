import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ShowFor } from '../../shared/operation';

/** The "Ticket ID" field of Plan and Report: a ticket as Claim Due Tickets puts it out. */
export function ticketIdField(show: ShowFor, description: string): INodeProperties {
	return {
		displayName: 'Ticket ID',
		name: 'ticketId',
		type: 'string',
		required: true,
		default: '={{ $json.id }}',
		description,
		displayOptions: { show },
	};
}

/** The tickets an item names: one, or a list of them (the ticket_ids of a CRM batch). */
export function readTicketIds(this: IExecuteFunctions, itemIndex: number): string[] {
	const value = this.getNodeParameter('ticketId', itemIndex, '') as unknown;
	if (Array.isArray(value)) {
		return value.map((id) => String(id).trim()).filter((id) => id !== '');
	}
	return [String(value ?? '').trim()];
}
