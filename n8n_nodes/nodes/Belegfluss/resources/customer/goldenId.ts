import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** The "Golden ID" field of Get and Unmerge (`goldenId`). */
export function goldenIdField(
	show: { resource: string[]; operation: string[] },
	description: string,
): INodeProperties {
	return {
		displayName: 'Golden ID',
		name: 'goldenId',
		type: 'string',
		required: true,
		default: '={{ $json.belegfluss?.dedup?.golden_id }}',
		placeholder: 'gc_4f1c…',
		description: `${description}. The default takes it from an item that went through Customer → Dedup.`,
		displayOptions: { show },
	};
}

export function readGoldenId(this: IExecuteFunctions, itemIndex: number): string {
	const goldenId = String(this.getNodeParameter('goldenId', itemIndex, '') ?? '').trim();
	if (!goldenId) {
		throw new NodeOperationError(
			this.getNode(),
			'The item names no golden customer (Golden ID is empty)',
			{
				itemIndex,
			},
		);
	}
	return goldenId;
}
