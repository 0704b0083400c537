/** Fields several operations show with the same name and meaning. */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

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

/** A text parameter of an item, trimmed; empty when none is set. */
export function readText(this: IExecuteFunctions, name: string, itemIndex: number): string {
	return String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
}

/** The profile an item names, trimmed; empty when none is set. */
export function readProfileId(this: IExecuteFunctions, itemIndex: number): string {
	return readText.call(this, 'profileId', itemIndex);
}

/** Where a request comes from, for the tickets the sidecar opens: this workflow, node and execution. */
export function originFields(this: IExecuteFunctions): IDataObject {
	return {
		workflow: this.getWorkflow().name,
		node: this.getNode().name,
		execution_id: this.getExecutionId() || undefined,
	};
}

/**
 * A parameter that names one id or a list of them (a CRM batch's event or ticket ids): the id
 * trimmed, or the list trimmed without its empty entries.
 */
export function readIdOrIds(
	this: IExecuteFunctions,
	name: string,
	itemIndex: number,
): string | string[] {
	const value = this.getNodeParameter(name, itemIndex, '') as unknown;
	if (Array.isArray(value)) return value.map((id) => String(id).trim()).filter((id) => id !== '');
	return String(value ?? '').trim();
}
