/**
 * Turns the sidecar's per-item answers into n8n output items, each paired with its input item.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
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

function failedItem(outcome: ItemOutcome, itemIndex: number): INodeExecutionData {
	return {
		json: { error: outcome.failure?.message ?? 'Belegfluss request failed' },
		error: outcome.failure,
		pairedItem: { item: itemIndex },
	};
}

/**
 * Two outputs: accepted items first, rejected ones second (or the workflow stops at the first
 * rejected item). Items whose request failed, when the node continues on fail, go to the first
 * output as error items, where n8n's error output picks them up.
 */
export function splitAcceptedAndRejected(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	outcomes: ItemOutcome[],
	acceptedJson: AcceptedJson,
	onRejected: InvalidItemHandling,
): INodeExecutionData[][] {
	const accepted: INodeExecutionData[] = [];
	const rejected: INodeExecutionData[] = [];
	outcomes.forEach((outcome, itemIndex) => {
		const pairedItem = { item: itemIndex };
		if (outcome.answer === undefined) {
			accepted.push(failedItem(outcome, itemIndex));
		} else if (outcome.answer.ok) {
			accepted.push({ json: acceptedJson(outcome.answer, items[itemIndex]), pairedItem });
		} else if (onRejected === 'stopWorkflow') {
			throw rejectedItemError.call(this, outcome.answer, itemIndex);
		} else {
			rejected.push({ json: rejectedItemJson(outcome.answer, items[itemIndex]), pairedItem });
		}
	});
	return [accepted, rejected];
}

/**
 * One output, for operations whose items are not expected to be rejected: a rejected item stops
 * the workflow, or becomes an error item when the node continues on fail.
 */
export function answersAsItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	outcomes: ItemOutcome[],
	acceptedJson: AcceptedJson,
): INodeExecutionData[][] {
	const output = outcomes.map((outcome, itemIndex): INodeExecutionData => {
		const pairedItem = { item: itemIndex };
		if (outcome.answer === undefined) return failedItem(outcome, itemIndex);
		if (outcome.answer.ok) {
			return { json: acceptedJson(outcome.answer, items[itemIndex]), pairedItem };
		}
		const error = rejectedItemError.call(this, outcome.answer, itemIndex);
		if (!this.continueOnFail()) throw error;
		return { json: { error: error.message }, error, pairedItem };
	});
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
