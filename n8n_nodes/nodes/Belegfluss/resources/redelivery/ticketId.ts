import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readIdOrIds } from '../../shared/fields';
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
	const ids = readIdOrIds.call(this, 'ticketId', itemIndex);
	return Array.isArray(ids) ? ids : [ids];
}

/**
 * The "Claimed By" field of Plan and Report: the worker that claimed the tickets (Claim Due
 * Tickets puts it out as `claimed_by`). Belegfluss then refuses a ticket another run has claimed
 * since (this run's lease ran out), so nothing is sent twice nor closed under another run.
 */
export function claimedByField(
	show: ShowFor,
	defaultValue: string,
	description: string,
): INodeProperties {
	return {
		displayName: 'Claimed By',
		name: 'claimedBy',
		type: 'string',
		default: defaultValue,
		description: `${description} Empty: not checked`,
		displayOptions: { show },
	};
}

/** The item's Claimed By, or undefined when empty (then Belegfluss does not check the lease). */
export function readClaimedBy(this: IExecuteFunctions, itemIndex: number): string | undefined {
	return String(this.getNodeParameter('claimedBy', itemIndex, '') ?? '').trim() || undefined;
}
