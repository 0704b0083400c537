import type { INodeProperties } from 'n8n-workflow';

import { profileIdField, readProfileId } from '../../shared/fields';
import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import { maxAttemptsOption, maxRetryTimeOption, optionsCollection } from '../../shared/options';
import { lookupExecute } from '../../shared/lookup';

const show = showFor('profile', 'get');

export const getDescription: INodeProperties[] = [
	profileIdField(show, "The location profile to read, as named in the sidecar's profiles folder"),
	optionsCollection(show, [maxAttemptsOption, maxRetryTimeOption]),
];

export const getOperation: Operation = {
	outputs: SINGLE_OUTPUT,
	execute: lookupExecute(readProfileId, (id) => `/v1/profiles/${id}`),
};
