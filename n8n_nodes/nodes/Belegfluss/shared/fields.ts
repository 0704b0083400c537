/** Fields several operations show with the same name and meaning. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/** The "Profile ID" field: the location profile an operation works under (`profileId`). */
export function profileIdField(
	show: { resource: string[]; operation: string[] },
	description: string,
	required = true,
): INodeProperties {
	return {
		displayName: 'Profile ID',
		name: 'profileId',
		type: 'string',
		required,
		default: '',
		placeholder: 'berlin-mitte',
		description,
		displayOptions: { show },
	};
}

/** The profile an item names, trimmed; empty when none is set. */
export function readProfileId(this: IExecuteFunctions, itemIndex: number): string {
	return String(this.getNodeParameter('profileId', itemIndex, '') ?? '').trim();
}
