import { NodeOperationError } from 'n8n-workflow';
import { expect } from 'vitest';

/** Asserts that running the node stopped at item `itemIndex`, naming it and the sidecar's codes. */
export async function expectStoppedAtItem(
	running: Promise<unknown>,
	itemIndex: number,
	codes: string[],
): Promise<NodeOperationError> {
	const error = await running.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(NodeOperationError);
	const stopped = error as NodeOperationError;
	expect(stopped.message).toBe(`Item ${itemIndex} was rejected by Belegfluss: ${codes.join(', ')}`);
	expect(stopped.context.itemIndex).toBe(itemIndex);
	return stopped;
}
