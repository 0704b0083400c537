import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/operation';
import { SINGLE_OUTPUT } from '../../shared/operation';
import { decisionDescription, decisionExecute } from './decision';

export const approveDescription: INodeProperties[] = decisionDescription('approve');

export const approveOperation: Operation = {
	outputs: SINGLE_OUTPUT,
	execute: decisionExecute('approve'),
};
