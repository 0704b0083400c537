import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { profileIdField, readProfileId } from '../../shared/fields';
import type { Operation } from '../../shared/operation';
import { showFor, VALID_INVALID_OUTPUTS } from '../../shared/operation';
import {
	batchSizeOption,
	maxAttemptsOption,
	maxRetryTimeOption,
	onInvalidItemsOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { answerFields, splitAcceptedAndRejected } from '../../shared/outputs';
import { prepareForProfile, withoutNotes } from '../../shared/payload';
import { sendPreparedToSidecar } from '../../shared/send';

const show = showFor('accounting', 'reconcile');

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const options = readOptions.call(this);
	const quarantine = options.raw.quarantineDifferences !== false;
	const prepared = items.map((item, itemIndex) =>
		prepareForProfile(withoutNotes(item.json), readProfileId.call(this, itemIndex), { quarantine }),
	);
	const outcomes = await sendPreparedToSidecar.call(this, '/v1/reconcile', prepared, options);
	// The reconciliation is what follows (verdict, differences); the Z-report is in the input.
	return splitAcceptedAndRejected.call(
		this,
		items,
		outcomes,
		(answer) => ({ ticket_id: null, ...answerFields(answer) }),
		options.onInvalidItems,
	);
}

export const reconcileDescription: INodeProperties[] = [
	profileIdField(
		show,
		'Location profile of the Z-reports (time zone, reconciliation threshold), e.g. {{ $json.location_id }}',
	),
	optionsCollection(show, [
		batchSizeOption,
		maxAttemptsOption,
		maxRetryTimeOption,
		onInvalidItemsOption,
		{
			displayName: 'Quarantine Differences',
			name: 'quarantineDifferences',
			type: 'boolean',
			default: true,
			description:
				'Whether a Z-report that differs from its receipts by more than the threshold (verdict "mismatch") is kept as a quarantine ticket. Its ID is in ticket_id.',
		},
	]),
];

export const reconcileOperation: Operation = { outputs: VALID_INVALID_OUTPUTS, execute };
