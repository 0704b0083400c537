import type { INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { errorItemOrThrow, splitByVerdict, type Verdict } from '../nodes/Belegfluss/shared/outputs';
import type { ItemOutcome } from '../nodes/Belegfluss/shared/transport';
import { executeContext, NODE } from './helpers/context';
import { sidecarIssue } from './helpers/sidecar';

describe('a failure for one input item', () => {
	it('stops the workflow naming the item', () => {
		const context = executeContext({ parameters: {} });

		let thrown: unknown;
		try {
			errorItemOrThrow.call(context, new Error('Profile not readable'), 3);
		} catch (caught) {
			thrown = caught;
		}

		expect(thrown).toBeInstanceOf(NodeOperationError);
		expect((thrown as NodeOperationError).message).toBe('Profile not readable');
		expect((thrown as NodeOperationError).context.itemIndex).toBe(3);
	});

	it('becomes an error item paired with the item when the node continues on fail', () => {
		const context = executeContext({ parameters: {}, continueOnFail: true });

		const item = errorItemOrThrow.call(context, new Error('Profile not readable'), 3);

		expect(item).toMatchObject({
			json: { error: 'Profile not readable' },
			pairedItem: { item: 3 },
		});
		expect(item.error).toBeInstanceOf(NodeOperationError);
		expect(item.error?.context.itemIndex).toBe(3);
	});

	it('keeps a sidecar error as it is, and pairs with all the items that asked', () => {
		const context = executeContext({ parameters: {}, continueOnFail: true });
		const sidecarError = new NodeApiError(NODE, { message: 'datev.nothing_to_export' });

		const item = errorItemOrThrow.call(context, sidecarError, 1, [{ item: 1 }, { item: 4 }]);

		expect(item.error).toBe(sidecarError);
		expect(item.pairedItem).toEqual([{ item: 1 }, { item: 4 }]);
	});
});

describe('a check that splits its items in two', () => {
	const items: INodeExecutionData[] = ['a', 'b', 'c', 'd'].map((name) => ({ json: { name } }));
	const failure = new NodeApiError(NODE, { message: 'Boom' }, { itemIndex: 3 });
	const outcomes: ItemOutcome[] = [
		{ answer: { index: 0, ok: true, fine: true } },
		{ answer: { index: 1, ok: true, fine: false } },
		{ answer: { index: 2, ok: false, errors: [sidecarIssue('schema.missing', '$.target')] } },
		{ failure },
	];
	const verdict: Verdict = {
		passes: (answer) => answer.fine === true,
		json: (answer, input) => ({ ...input.json, fine: answer.fine }),
	};

	it('puts passing items first, the others second, and failures as error items first', () => {
		const context = executeContext({ parameters: {}, items, continueOnFail: true });

		const [passing, other] = splitByVerdict.call(context, items, outcomes, verdict);

		expect(passing.map((item) => [item.pairedItem, item.json])).toEqual([
			[{ item: 0 }, { name: 'a', fine: true }],
			[{ item: 2 }, { error: 'Item 2 was rejected by Belegfluss: schema.missing' }],
			[{ item: 3 }, { error: 'Boom' }],
		]);
		expect(passing[2].error).toBe(failure);
		expect(other).toEqual([{ json: { name: 'b', fine: false }, pairedItem: { item: 1 } }]);
	});

	it('stops the workflow at a rejected item unless the node continues on fail', () => {
		const context = executeContext({ parameters: {}, items });

		expect(() => splitByVerdict.call(context, items, outcomes, verdict)).toThrow(
			'Item 2 was rejected by Belegfluss: schema.missing',
		);
	});
});
