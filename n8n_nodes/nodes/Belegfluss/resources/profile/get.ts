import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { showFor } from '../../shared/operation';
import {
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { asNodeError } from '../../shared/outputs';
import { callSidecar } from '../../shared/transport';

const show = showFor('profile', 'get');

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const { limits } = readOptions.call(this);
	// Usually every item asks for the same profile: fetch each one once per run.
	const profiles = new Map<string, Promise<IDataObject>>();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const profileId = String(this.getNodeParameter('profileId', itemIndex)).trim();
			if (!profiles.has(profileId)) {
				const path = `/v1/profiles/${encodeURIComponent(profileId)}`;
				profiles.set(profileId, callSidecar.call(this, { method: 'GET', path }, limits, itemIndex));
			}
			const profile = await (profiles.get(profileId) as Promise<IDataObject>);
			output.push({ json: profile, pairedItem: { item: itemIndex } });
		} catch (caught) {
			const error = asNodeError.call(this, caught, itemIndex);
			if (!this.continueOnFail()) throw error;
			output.push({ json: { error: error.message }, error, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}

export const getDescription: INodeProperties[] = [
	{
		displayName: 'Profile ID',
		name: 'profileId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'berlin-mitte',
		description: "The location profile to read, as named in the sidecar's profiles folder",
		displayOptions: { show },
	},
	optionsCollection(show, [maxAttemptsOption, maxRetryTimeOption]),
];

export const getOperation: Operation = { hasInvalidOutput: false, execute };
