/**
 * DATEV export: the sidecar writes the EXTF Buchungsstapel (cp1252, CRLF) and the node hands it
 * on as a binary file, unchanged byte for byte.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	type DistinctRequest,
	outputPerDistinctRequest,
	type UnpairedItem,
} from '../../shared/distinct';
import { profileIdField, readProfileId } from '../../shared/fields';
import type { Operation } from '../../shared/operation';
import { showFor, SINGLE_OUTPUT } from '../../shared/operation';
import {
	maxAttemptsOption,
	maxRetryTimeOption,
	optionsCollection,
	readOptions,
} from '../../shared/options';
import { asNodeError } from '../../shared/outputs';
import { downloadFromSidecar, sidecarErrorCode, type SidecarFile } from '../../shared/transport';

const show = showFor('accounting', 'exportDatev');
const CSV_MIME_TYPE = 'text/csv';

/** `2026-03-01` from what a date field holds: a date string, a date-time, or a Luxon/JS date. */
function isoDate(this: IExecuteFunctions, name: string, label: string, itemIndex: number): string {
	const value = this.getNodeParameter(name, itemIndex, '') as unknown;
	const text =
		typeof value === 'object' && value !== null && 'toISODate' in value
			? String((value as { toISODate: () => string }).toISODate())
			: value instanceof Date
				? value.toISOString()
				: String(value ?? '').trim();
	const date = /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0];
	if (!date) {
		throw new NodeOperationError(this.getNode(), `${label} must be a date like 2026-03-01`, {
			itemIndex,
			description: `It is "${text}".`,
		});
	}
	return date;
}

function requestBodyOf(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const profile = readProfileId.call(this, itemIndex);
	const mode = this.getNodeParameter('exportMode', itemIndex, 'period') as string;
	if (mode === 'again') {
		const exportId = String(this.getNodeParameter('exportId', itemIndex, '')).trim();
		return { profile, export_id: exportId };
	}
	return {
		profile,
		from: isoDate.call(this, 'dateFrom', 'Date From', itemIndex),
		to: isoDate.call(this, 'dateTo', 'Date To', itemIndex),
	};
}

/** `EXTF_...csv` from `attachment; filename="EXTF_...csv"` (or its RFC 5987 form). */
export function fileNameOf(contentDisposition: unknown): string | undefined {
	const header = String(contentDisposition ?? '');
	const encoded = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(header)?.[1];
	if (encoded) return decodeURIComponent(encoded.trim());
	return /filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1]?.trim();
}

function headerNumber(value: unknown): number | null {
	const number = Number(value);
	return value !== undefined && value !== '' && Number.isFinite(number) ? number : null;
}

async function fileItem(
	this: IExecuteFunctions,
	request: DistinctRequest,
	file: SidecarFile,
	binaryPropertyName: string,
): Promise<UnpairedItem> {
	const fileName = fileNameOf(file.headers['content-disposition']) ?? 'EXTF_Buchungsstapel.csv';
	const binary = await this.helpers.prepareBinaryData(file.data, fileName, CSV_MIME_TYPE);
	const exportId = file.headers['x-belegfluss-export-id'];
	return {
		json: {
			profile: request.body.profile as string,
			from: (request.body.from as string | undefined) ?? null,
			to: (request.body.to as string | undefined) ?? null,
			file_name: fileName,
			export_id: typeof exportId === 'string' ? exportId : null,
			batch: headerNumber(file.headers['x-belegfluss-batch']),
			rows: headerNumber(file.headers['x-belegfluss-rows']),
			bytes: file.data.length,
		},
		binary: { [binaryPropertyName]: binary },
	};
}

async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const options = readOptions.call(this);
	const stopWhenNothingToExport = options.raw.onNothingToExport === 'stopWorkflow';
	// Items naming the same period share one request: its bookings are exported only once.
	return await outputPerDistinctRequest.call(
		this,
		(itemIndex) => requestBodyOf.call(this, itemIndex),
		async (request) => {
			const itemIndex = request.itemIndexes[0];
			let file: SidecarFile;
			try {
				file = await downloadFromSidecar.call(
					this,
					{ method: 'POST', path: '/v1/datev', body: request.body },
					options.limits,
					itemIndex,
				);
			} catch (caught) {
				// A period without new bookings is the normal case for a scheduled export.
				const nothingToExport = sidecarErrorCode(caught) === 'datev.nothing_to_export';
				if (nothingToExport && !stopWhenNothingToExport) return undefined;
				throw asNodeError.call(this, caught, itemIndex);
			}
			const binaryPropertyName = String(
				this.getNodeParameter('binaryPropertyName', itemIndex, 'data'),
			).trim();
			return await fileItem.call(this, request, file, binaryPropertyName || 'data');
		},
	);
}

export const exportDatevDescription: INodeProperties[] = [
	profileIdField(show, 'Location profile whose bookings are exported, with its DATEV numbers'),
	{
		displayName: 'Export',
		name: 'exportMode',
		type: 'options',
		options: [
			{
				name: 'Earlier Export Again',
				value: 'again',
				description: 'The file of an earlier export, byte for byte, by its export ID',
			},
			{
				name: 'New Bookings of a Period',
				value: 'period',
				description:
					'The bookings of the period that no earlier export holds, as a new batch. Exported bookings are final (Festschreibung).',
			},
		],
		default: 'period',
		description: 'What goes into the file',
		displayOptions: { show },
	},
	{
		displayName: 'Date From',
		name: 'dateFrom',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			'First day of the period, e.g. {{ $now.minus({ months: 1 }).startOf("month").toISODate() }}',
		displayOptions: { show: { ...show, exportMode: ['period'] } },
	},
	{
		displayName: 'Date To',
		name: 'dateTo',
		type: 'dateTime',
		required: true,
		default: '',
		description:
			'Last day of the period (inclusive), e.g. {{ $now.minus({ months: 1 }).endOf("month").toISODate() }}',
		displayOptions: { show: { ...show, exportMode: ['period'] } },
	},
	{
		displayName: 'Export ID',
		name: 'exportId',
		type: 'string',
		required: true,
		default: '',
		description: 'The export to fetch again, as the export_id of an earlier DATEV Export gave it',
		displayOptions: { show: { ...show, exportMode: ['again'] } },
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the file in',
		displayOptions: { show },
	},
	optionsCollection(show, [
		maxAttemptsOption,
		maxRetryTimeOption,
		{
			displayName: 'On Nothing to Export',
			name: 'onNothingToExport',
			type: 'options',
			options: [
				{
					name: 'Return No Item',
					value: 'returnNoItem',
					description: 'The node outputs nothing for that period, and the workflow ends there',
				},
				{
					name: 'Stop Workflow',
					value: 'stopWorkflow',
					description: 'The workflow stops with the error datev.nothing_to_export',
				},
			],
			default: 'returnNoItem',
			description: 'What happens when the period holds no booking that waits for export',
		},
	]),
];

export const exportDatevOperation: Operation = { outputs: SINGLE_OUTPUT, execute };
