/**
 * Approve and Reject send the same thing, review items by their ID, to two endpoints: the
 * fields and the execute are written once here.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { showFor } from '../../shared/operation';
import {
	batchSizeOption,
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { answerFields, answersAsItems } from '../../shared/outputs';
import { localRejection, type PreparedItem } from '../../shared/payload';
import { sendPreparedToSidecar } from '../../shared/send';

export type Decision = 'approve' | 'reject';

function prepareReview(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const value = this.getNodeParameter('reviewId', itemIndex, '') as unknown;
	const reviewId = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof reviewId === 'number' && Number.isInteger(reviewId) && reviewId > 0) {
		return { payload: { review_id: reviewId } };
	}
	return {
		outcome: localRejection(
			'node.review_id_invalid',
			'$.review_id',
			`Review ID must be a whole number, as Review → List gives it; it is "${String(value)}"`,
		),
	};
}

export function decisionExecute(decision: Decision) {
	return async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const options = readOptions.call(this);
		const prepared = items.map((_item, itemIndex) => prepareReview.call(this, itemIndex));
		const outcomes = await sendPreparedToSidecar.call(
			this,
			`/v1/review/${decision}`,
			prepared,
			options,
		);
		return answersAsItems.call(this, items, outcomes, (answer) => answerFields(answer));
	};
}

export function decisionDescription(decision: Decision): INodeProperties[] {
	const show = showFor('review', decision);
	return [
		{
			displayName: 'Review ID',
			name: 'reviewId',
			type: 'string',
			required: true,
			default: '={{ $json.review_id }}',
			description:
				decision === 'approve'
					? 'The review item to approve: its two records are merged into one golden customer. The default takes the ID from items listed by Review → List.'
					: 'The review item to reject: its two records are remembered as different people and never proposed again. The default takes the ID from items listed by Review → List.',
			displayOptions: { show },
		},
		optionsCollection(show, [batchSizeOption, maxAttemptsOption, maxRetryTimeOption]),
	];
}
