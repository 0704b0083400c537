/**
 * Turns the sidecar's per-item answers into n8n output items, each paired with its input item.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { InvalidItemHandling } from './options';
import type { ItemOutcome } from './transport';
import { issuesOf, type ItemAnswer } from './types';

/** Builds the JSON of an accepted item from the sidecar's answer and the input item. */
export type AcceptedJson = (answer: ItemAnswer, input: INodeExecutionData) => IDataObject;

/** The error that stops the workflow for a rejected item: its index and the sidecar's codes. */
export function rejectedItemError(
	this: IExecuteFunctions,
	answer: ItemAnswer,
	itemIndex: number,
): NodeOperationError {
	const errors = issuesOf(answer, 'errors');
	const codes = errors.map((issue) => issue.code);
	return new NodeOperationError(
		this.getNode(),
		`Item ${itemIndex} was rejected by Belegfluss: ${codes.join(', ') || 'no error code given'}`,
		{
			itemIndex,
			description: errors
				.map((issue) => `${issue.code} at ${issue.path}: ${issue.message}`)
				.join('\n'),
		},
	);
}

/**
 * The input item as it was, plus what Belegfluss said about it under `belegfluss`: what a
 * following Quarantine → Add takes as it is.
 */
export function rejectedItemJson(answer: ItemAnswer, input: INodeExecutionData): IDataObject {
	return {
		...input.json,
		belegfluss: {
			errors: issuesOf(answer, 'errors'),
			warnings: issuesOf(answer, 'warnings'),
			ticket_id: (answer.ticket_id as string | undefined) ?? null,
		},
	};
}

/** An error as an output item: its message as the JSON, paired with the items it concerns. */
export function errorItem(
	error: NodeApiError | NodeOperationError,
	pairedItem: IPairedItemData | IPairedItemData[],
): INodeExecutionData {
	return { json: { error: error.message }, error, pairedItem };
}

/**
 * A failure for input item `itemIndex`: thrown, which stops the workflow naming the item, or,
 * when the node continues on fail, an error item paired with the item (or with `pairedItem`).
 */
export function errorItemOrThrow(
	this: IExecuteFunctions,
	caught: unknown,
	itemIndex: number,
	pairedItem: IPairedItemData | IPairedItemData[] = { item: itemIndex },
): INodeExecutionData {
	const error = asNodeError.call(this, caught, itemIndex);
	if (!this.continueOnFail()) throw error;
	return errorItem(error, pairedItem);
}

/** Where an accepted item goes, and what it carries. */
export interface RoutedItem {
	output: number;
	json: IDataObject;
}

/**
 * What happens to an item the sidecar rejected: it goes to the given output, it stops the
 * workflow, or it stops the workflow unless the node continues on fail (then it becomes an
 * error item on the first output).
 */
export type RejectedItemHandling = { output: number } | 'stopWorkflow' | 'errorItem';

/**
 * Puts every outcome on one of `outputCount` outputs, paired with its input item. Items
 * whose request failed, when the node continues on fail, go to the first output as error
 * items, where n8n's error output picks them up. Outcome i belongs to input item i, or to
 * `itemIndexes[i]` when one input item was sent as several (a CRM batch's tickets).
 */
export function routeOutcomes(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	outcomes: ItemOutcome[],
	outputCount: number,
	routeAccepted: (answer: ItemAnswer, input: INodeExecutionData) => RoutedItem,
	onRejected: RejectedItemHandling,
	itemIndexes?: readonly number[],
): INodeExecutionData[][] {
	const outputs: INodeExecutionData[][] = Array.from({ length: outputCount }, () => []);
	outcomes.forEach((outcome, position) => {
		const itemIndex = itemIndexes?.[position] ?? position;
		const pairedItem = { item: itemIndex };
		if (outcome.answer === undefined) {
			// The transport already chose to continue on fail for the request carrying this item.
			outputs[0].push(errorItem(outcome.failure, pairedItem));
		} else if (outcome.answer.ok) {
			const { output, json } = routeAccepted(outcome.answer, items[itemIndex]);
			outputs[output].push({ json, pairedItem });
		} else if (typeof onRejected === 'object') {
			outputs[onRejected.output].push({
				json: rejectedItemJson(outcome.answer, items[itemIndex]),
				pairedItem,
			});
		} else {
			const error = rejectedItemError.call(this, outcome.answer, itemIndex);
			if (onRejected === 'stopWorkflow') throw error;
			outputs[0].push(errorItemOrThrow.call(this, error, itemIndex, pairedItem));
		}
	});
	return outputs;
}

/**
 * Two outputs: accepted items first, rejected ones second (or the workflow stops at the first
 * rejected item).
 */
export function splitAcceptedAndRejected(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	outcomes: ItemOutcome[],
	acceptedJson: AcceptedJson,
	onRejected: InvalidItemHandling,
): INodeExecutionData[][] {
	return routeOutcomes.call(
		this,
		items,
		outcomes,
		2,
		(answer, input) => ({ output: 0, json: acceptedJson(answer, input) }),
		onRejected === 'stopWorkflow' ? 'stopWorkflow' : { output: 1 },
	);
}

/** How a check operation judges an item the sidecar answered. */
export interface Verdict {
	/** Whether the item goes to the first output ("Allowed", "Current"); the others go to the second. */
	passes: (answer: ItemAnswer) => boolean;
	/** What the item carries on either output. */
	json: AcceptedJson;
}

/**
 * Two outputs for a check: items that pass first, the others second. An item the sidecar
 * rejects is a mistake in the workflow, not a finding: it stops the workflow, or becomes an
 * error item when the node continues on fail.
 */
export function splitByVerdict(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	outcomes: ItemOutcome[],
	verdict: Verdict,
): INodeExecutionData[][] {
	return routeOutcomes.call(
		this,
		items,
		outcomes,
		2,
		(answer, input) => ({
			output: verdict.passes(answer) ? 0 : 1,
			json: verdict.json(answer, input),
		}),
		'errorItem',
	);
}

/**
 * One output, for operations whose items are not expected to be rejected: a rejected item stops
 * the workflow, or becomes an error item when the node continues on fail. `itemIndexes` as for
 * `routeOutcomes`.
 */
export function answersAsItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	outcomes: ItemOutcome[],
	acceptedJson: AcceptedJson,
	itemIndexes?: readonly number[],
): INodeExecutionData[][] {
	return routeOutcomes.call(
		this,
		items,
		outcomes,
		1,
		(answer, input) => ({ output: 0, json: acceptedJson(answer, input) }),
		'errorItem',
		itemIndexes,
	);
}

/** What the sidecar said about an item, without the batch bookkeeping (`index`, `ok`). */
export function answerFields(answer: ItemAnswer): IDataObject {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { index, ok, ...fields } = answer;
	return fields;
}

/**
 * Runs `produce` for each input item; a failure stops the workflow naming the item, or, when
 * the node continues on fail, becomes an error item paired with it. For operations that make
 * one request per item (or per distinct parameter value), not one per batch.
 */
export async function outputPerItem(
	this: IExecuteFunctions,
	produce: (itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	const itemCount = this.getInputData().length;
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			output.push(...(await produce(itemIndex)));
		} catch (caught) {
			output.push(errorItemOrThrow.call(this, caught, itemIndex));
		}
	}
	return [output];
}

/** A caught error as n8n shows it: kept when it already is a node error, wrapped otherwise. */
export function asNodeError(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
}
