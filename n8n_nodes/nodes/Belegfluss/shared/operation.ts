import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/** The names of an operation's outputs, in output index order. */
export type OutputNames = readonly string[];

/** One output without a name: what most operations have. */
export const SINGLE_OUTPUT: OutputNames = [''];
/** Accepted items first, items the sidecar rejected second. */
export const VALID_INVALID_OUTPUTS: OutputNames = ['Valid', 'Invalid'];

/** What an operation of the Belegfluss node does; its fields live next to it. */
export interface Operation {
	/** The outputs the editor draws for this operation. */
	outputs: OutputNames;
	execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]>;
}

/** The operations of one resource, by their `operation` parameter value. */
export type ResourceOperations = Record<string, Operation>;

/** The `displayOptions.show` that limits a field to one operation. */
export type ShowFor = ReturnType<typeof showFor>;

export function showFor(resource: string, operation: string) {
	return { resource: [resource], operation: [operation] };
}
