/**
 * Every resource of the Belegfluss node and its operations. A new capability (Customer,
 * Accounting, Review, Delivery) is a folder next to these, with one file per operation,
 * registered here and in the node's Resource dropdown.
 */
import type { Operation, ResourceOperations } from '../shared/operation';
import { eventOperations } from './event';
import { profileOperations } from './profile';
import { quarantineOperations } from './quarantine';

export { eventDescription } from './event';
export { profileDescription } from './profile';
export { quarantineDescription } from './quarantine';

/** Operations by resource, in the order of the Resource dropdown; the first is the default. */
const operationsByResource: Record<string, ResourceOperations> = {
	event: eventOperations,
	profile: profileOperations,
	quarantine: quarantineOperations,
};

export const DEFAULT_RESOURCE = 'event';

export function findOperation(resource: string, operation: string): Operation | undefined {
	return operationsByResource[resource]?.[operation];
}

/** The first operation of a resource is its default in the Operation dropdown. */
function defaultOperationOf(operations: ResourceOperations): string {
	return Object.keys(operations)[0];
}

/**
 * The node's outputs as an n8n expression: "Valid" and "Invalid" for operations that reject
 * items, a single output otherwise. Saved workflows leave out parameters at their defaults,
 * so missing ones fall back to the defaults here.
 */
export function outputsExpression(): `={{${string}}}` {
	const withInvalidOutput: string[] = [];
	const defaultOperations: Record<string, string> = {};
	for (const [resource, operations] of Object.entries(operationsByResource)) {
		defaultOperations[resource] = defaultOperationOf(operations);
		for (const [name, operation] of Object.entries(operations)) {
			if (operation.hasInvalidOutput) withInvalidOutput.push(`${resource}:${name}`);
		}
	}
	const resource = `($parameter.resource || ${JSON.stringify(DEFAULT_RESOURCE)})`;
	const operation = `($parameter.operation || ${JSON.stringify(defaultOperations)}[${resource}])`;
	const twoOutputs = JSON.stringify([
		{ type: 'main', displayName: 'Valid' },
		{ type: 'main', displayName: 'Invalid' },
	]);
	const oneOutput = JSON.stringify([{ type: 'main', displayName: '' }]);
	return `={{ ${JSON.stringify(withInvalidOutput)}.includes(${resource} + ":" + ${operation}) ? ${twoOutputs} : ${oneOutput} }}`;
}
