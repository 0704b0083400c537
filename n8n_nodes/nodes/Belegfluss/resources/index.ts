/**
 * Every resource of the Belegfluss node and its operations. A new capability is a folder next
 * to these, with one file per operation, registered here and in the node's Resource dropdown.
 */
import type { Operation, ResourceOperations } from '../shared/operation';
import { accountingOperations } from './accounting';
import { consistencyOperations } from './consistency';
import { customerOperations } from './customer';
import { deliveryOperations } from './delivery';
import { eventOperations } from './event';
import { profileOperations } from './profile';
import { quarantineOperations } from './quarantine';
import { redeliveryOperations } from './redelivery';
import { reviewOperations } from './review';

export { accountingDescription } from './accounting';
export { consistencyDescription } from './consistency';
export { customerDescription } from './customer';
export { deliveryDescription } from './delivery';
export { eventDescription } from './event';
export { profileDescription } from './profile';
export { quarantineDescription } from './quarantine';
export { redeliveryDescription } from './redelivery';
export { reviewDescription } from './review';

/** Operations by resource; `event` is the default resource. */
const operationsByResource: Record<string, ResourceOperations> = {
	event: eventOperations,
	accounting: accountingOperations,
	consistency: consistencyOperations,
	customer: customerOperations,
	delivery: deliveryOperations,
	profile: profileOperations,
	quarantine: quarantineOperations,
	redelivery: redeliveryOperations,
	review: reviewOperations,
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
 * The node's outputs as an n8n expression: each operation's named outputs (e.g. "Valid" and
 * "Invalid"), a single output for the rest. Saved workflows leave out parameters at their
 * defaults, so missing ones fall back to the defaults here.
 */
export function outputsExpression(): `={{${string}}}` {
	const outputsByOperation: Record<string, Array<{ type: string; displayName: string }>> = {};
	const defaultOperations: Record<string, string> = {};
	for (const [resource, operations] of Object.entries(operationsByResource)) {
		defaultOperations[resource] = defaultOperationOf(operations);
		for (const [name, operation] of Object.entries(operations)) {
			if (operation.outputs.length === 1 && operation.outputs[0] === '') continue;
			outputsByOperation[`${resource}:${name}`] = operation.outputs.map((displayName) => ({
				type: 'main',
				displayName,
			}));
		}
	}
	const resource = `($parameter.resource || ${JSON.stringify(DEFAULT_RESOURCE)})`;
	const operation = `($parameter.operation || ${JSON.stringify(defaultOperations)}[${resource}])`;
	const oneOutput = JSON.stringify([{ type: 'main', displayName: '' }]);
	return `={{ ${JSON.stringify(outputsByOperation)}[${resource} + ":" + ${operation}] || ${oneOutput} }}`;
}
