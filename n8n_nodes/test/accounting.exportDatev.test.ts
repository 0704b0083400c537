import { NodeApiError } from 'n8n-workflow';
import nock from 'nock';
import { describe, expect, it } from 'vitest';

import { fileNameOf } from '../nodes/Belegfluss/resources/accounting/exportDatev';
import { BASE_URL, executeContext, recordedSleeps, runNode } from './helpers/context';
import { recordedBody, recording, replay } from './helpers/recorded';
import datevAgainJson from './recorded/datev-again.json';
import datevNothingToExportJson from './recorded/datev-nothing-to-export.json';
import datevPeriodJson from './recorded/datev-period.json';

const march14 = {
	resource: 'accounting',
	operation: 'exportDatev',
	profileId: 'cafe-berlin',
	exportMode: 'period',
	dateFrom: '2026-03-14T00:00:00',
	dateTo: '2026-03-14T00:00:00',
};

/** The café's bookings of 14 March as the sidecar exported them: cp1252 bytes, with umlauts. */
const period = recording(datevPeriodJson);
const extfBytes = recordedBody(period) as Buffer;
const fileName = 'EXTF_Buchungsstapel_cafe-berlin_20260314_20260314.csv';

describe('Accounting → DATEV Export', () => {
	it('hands on the EXTF file byte for byte as binary data, with its name and export ID', async () => {
		const scope = replay(period);
		const context = executeContext({ parameters: march14 });

		const [output] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(output).toHaveLength(1);
		const [item] = output;
		expect(item.json).toEqual({
			profile: 'cafe-berlin',
			from: '2026-03-14',
			to: '2026-03-14',
			file_name: fileName,
			export_id: period.response.headers['x-belegfluss-export-id'],
			batch: 1,
			rows: 11,
			bytes: extfBytes.length,
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary?.data).toMatchObject({ fileName, mimeType: 'text/csv' });
		const delivered = Buffer.from(item.binary?.data.data ?? '', 'base64');
		expect(delivered.equals(extfBytes)).toBe(true);
		// "Schlüssel" in the column header row, as DATEV reads it: cp1252, not UTF-8.
		expect(delivered.includes(Buffer.from('Schl\u00fcssel', 'latin1'))).toBe(true);
		expect(delivered.subarray(0, 6).toString('latin1')).toBe('"EXTF"');
	});

	it('puts the file in the binary field the user names', async () => {
		replay(period);
		const context = executeContext({ parameters: { ...march14, binaryPropertyName: 'extf' } });

		const [[item]] = await runNode(context);

		expect(Object.keys(item.binary ?? {})).toEqual(['extf']);
	});

	it('sends one request for items naming the same period and pairs the file with all of them', async () => {
		const scope = replay(period);
		const context = executeContext({ parameters: march14, items: [{ json: {} }, { json: {} }] });

		const [output] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('sends one request per period when items name different periods', async () => {
		const bodies: unknown[] = [];
		nock(BASE_URL)
			.post('/v1/datev', (body) => bodies.push(body) > 0)
			.times(2)
			.reply(200, extfBytes, period.response.headers);
		const firstDays = ['2026-03-01', '2026-04-01'];
		const lastDays = ['2026-03-31', '2026-04-30'];
		const context = executeContext({
			parameters: {
				...march14,
				dateFrom: (itemIndex: number) => firstDays[itemIndex],
				dateTo: (itemIndex: number) => lastDays[itemIndex],
			},
			items: [{ json: {} }, { json: {} }],
		});

		const [output] = await runNode(context);

		expect(bodies).toEqual([
			{ profile: 'cafe-berlin', from: '2026-03-01', to: '2026-03-31' },
			{ profile: 'cafe-berlin', from: '2026-04-01', to: '2026-04-30' },
		]);
		expect(output.map((item) => [item.pairedItem, item.json.from])).toEqual([
			[{ item: 0 }, '2026-03-01'],
			[{ item: 1 }, '2026-04-01'],
		]);
	});

	it('fetches an earlier export again by its ID', async () => {
		const again = recording(datevAgainJson);
		const scope = replay(again);
		const context = executeContext({
			parameters: {
				...march14,
				exportMode: 'again',
				exportId: String(again.request.body?.export_id),
			},
		});

		const [[item]] = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(item.json).toMatchObject({ from: null, to: null, file_name: fileName, rows: 11 });
		expect(Buffer.from(item.binary?.data.data ?? '', 'base64').equals(extfBytes)).toBe(true);
	});

	it('waits as the sidecar asks when it sheds the export under load, then hands on the file', async () => {
		nock(BASE_URL)
			.post('/v1/datev')
			.reply(503, { error: { code: 'load.shed', message: 'Busy' } }, { 'Retry-After': '5' });
		replay(period);
		const context = executeContext({ parameters: march14 });

		const [[item]] = await runNode(context);

		expect(recordedSleeps()).toEqual([5000]);
		expect(Buffer.from(item.binary?.data.data ?? '', 'base64').equals(extfBytes)).toBe(true);
	});

	it('outputs nothing when the period holds no booking left to export', async () => {
		const scope = replay(recording(datevNothingToExportJson));
		const context = executeContext({ parameters: march14 });

		const output = await runNode(context);

		expect(scope.isDone()).toBe(true);
		expect(output).toEqual([[]]);
	});

	it('stops the workflow when nothing to export should count as an error', async () => {
		replay(recording(datevNothingToExportJson));
		const context = executeContext({
			parameters: { ...march14, options: { onNothingToExport: 'stopWorkflow' } },
		});

		const error = await runNode(context).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toMatch(
			/^datev\.nothing_to_export: No bookings of 'cafe-berlin'/,
		);
	});

	it('names the field when a date is not a date', async () => {
		const context = executeContext({ parameters: { ...march14, dateTo: 'end of March' } });

		await expect(runNode(context)).rejects.toThrow('Date To must be a date like 2026-03-01');
	});

	it('returns an error item for a refused export when the node continues on fail', async () => {
		nock(BASE_URL)
			.post('/v1/datev')
			.reply(422, { error: { code: 'profile.no_accounting', message: 'No accounting section' } });
		const context = executeContext({ parameters: march14, continueOnFail: true });

		const [output] = await runNode(context);

		expect(output).toHaveLength(1);
		expect(output[0].json).toEqual({ error: 'profile.no_accounting: No accounting section' });
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});
});

describe('the file name of a DATEV export', () => {
	it.each([
		['attachment; filename="EXTF_a.csv"', 'EXTF_a.csv'],
		['attachment; filename=EXTF_b.csv', 'EXTF_b.csv'],
		["attachment; filename*=UTF-8''EXTF_M%C3%BCnchen.csv", 'EXTF_M\u00fcnchen.csv'],
		['inline', undefined],
	])('reads %s', (header, expected) => {
		expect(fileNameOf(header)).toBe(expected);
	});
});
