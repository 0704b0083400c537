import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/** What an operation of the Belegfluss node does; its fields live next to it. */
export interface Operation {
	/** Whether rejected items leave through a second "Invalid" output. */
	hasInvalidOutput: boolean;
	execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]>;
}

/** The operations of one resource, by their `operation` parameter value. */
export type ResourceOperations = Record<string, Operation>;

/** The `displayOptions.show` that limits a field to one operation. */
export function showFor(resource: string, operation: string) {
	return { resource: [resource], operation: [operation] };
}
