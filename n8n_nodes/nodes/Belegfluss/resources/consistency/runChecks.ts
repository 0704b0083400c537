import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import {
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { callSidecar } from '../../shared/transport';

const show = showFor('consistency', 'runChecks');

/** One run of the checks per execution, whatever the number of input items. */
async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const { limits } = readOptions.call(this);
	const checks = this.getNodeParameter('checks', 0, []) as string[];
	const body: IDataObject = {
		...(checks.length ? { checks } : {}),
		fix: this.getNodeParameter('fix', 0, true) === true,
		grace_minutes: Number(this.getNodeParameter('graceMinutes', 0, 60)),
	};
	const report = await callSidecar.call(
		this,
		{ method: 'POST', path: '/v1/check', body },
		limits,
		0,
	);
	return [[{ json: report, pairedItem: { item: 0 } }]];
}

export const runChecksDescription: INodeProperties[] = [
	{
		displayName: 'Checks',
		name: 'checks',
		type: 'multiOptions',
		options: [
			{ name: 'Geldtransit Nets to Zero', value: 'geldtransit' },
			{ name: 'Missing Bookings', value: 'missing_bookings' },
			{ name: 'Receipt Sequence', value: 'receipt_sequence' },
			{ name: 'Undelivered Sales', value: 'undelivered_sales' },
		],
		default: [],
		description: 'Which checks to run; none selected runs them all',
		displayOptions: { show },
	},
	{
		displayName: 'Fix What Can Be Fixed',
		name: 'fix',
		type: 'boolean',
		default: true,
		description:
			'Whether to book missing bookings (with an audit entry) and queue undelivered sales for redelivery; the rest become quarantine tickets',
		displayOptions: { show },
	},
	{
		displayName: 'Grace Minutes',
		name: 'graceMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 60,
		description:
			'How long after it was stored a sale without a reported delivery counts as undelivered',
		displayOptions: { show },
	},
	optionsCollection(show, [maxAttemptsOption, maxRetryTimeOption]),
];

export const runChecksOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
