/**
 * The node as the n8n editor sees it: outputs per operation (evaluated by n8n-workflow itself),
 * every operation wired to its code, options sorted, codex and icons named.
 */
import type { INode, INodeParameters, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';

import { Belegfluss } from '../nodes/Belegfluss/Belegfluss.node';
import codex from '../nodes/Belegfluss/Belegfluss.node.json';
import { findOperation } from '../nodes/Belegfluss/resources';

const node = new Belegfluss();
const { description } = node;

/** The outputs n8n draws for a node with these saved parameters. */
function outputsFor(parameters: INodeParameters): string[] {
	const instance: INode = {
		id: 'n1',
		name: 'Belegfluss',
		type: 'n8n-nodes-belegfluss.belegfluss',
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
	const workflow = new Workflow({
		nodes: [instance],
		connections: {},
		active: false,
		nodeTypes: {
			getByName: () => node,
			getByNameAndVersion: () => node,
			getKnownTypes: () => ({}),
		},
	});
	return NodeHelpers.getNodeOutputs(workflow, instance, description).map((output) =>
		typeof output === 'string' ? output : (output.displayName ?? output.type),
	);
}

function dropdown(name: string, resource?: string): INodeProperties {
	const found = description.properties.find(
		(property) =>
			property.name === name &&
			(resource === undefined || property.displayOptions?.show?.resource?.includes(resource)),
	);
	if (!found) throw new Error(`No ${name} dropdown for ${resource}`);
	return found;
}

const resources = (dropdown('resource').options as INodePropertyOptions[]).map((option) =>
	String(option.value),
);
const operations = resources.flatMap((resource) =>
	(dropdown('operation', resource).options as INodePropertyOptions[]).map((option) => ({
		resource,
		operation: String(option.value),
	})),
);

describe('Belegfluss node description', () => {
	it.each([
		[{ resource: 'event', operation: 'map' }, ['Valid', 'Invalid']],
		[{ resource: 'event', operation: 'validate' }, ['Valid', 'Invalid']],
		[{ resource: 'quarantine', operation: 'add' }, ['']],
		[{ resource: 'quarantine', operation: 'list' }, ['']],
		[{ resource: 'quarantine', operation: 'resolve' }, ['']],
		[{ resource: 'profile', operation: 'get' }, ['']],
		[{ resource: 'accounting', operation: 'book' }, ['Valid', 'Invalid']],
		[{ resource: 'accounting', operation: 'exportDatev' }, ['']],
		[{ resource: 'accounting', operation: 'reconcile' }, ['Valid', 'Invalid']],
		[{ resource: 'customer', operation: 'dedup' }, ['Valid', 'Invalid']],
		[{ resource: 'customer', operation: 'get' }, ['']],
		[{ resource: 'customer', operation: 'unmerge' }, ['']],
		[{ resource: 'review', operation: 'list' }, ['']],
		[{ resource: 'review', operation: 'approve' }, ['']],
		[{ resource: 'review', operation: 'reject' }, ['']],
		[{ resource: 'delivery', operation: 'checkCircuit' }, ['Allowed', 'Parked']],
		[{ resource: 'delivery', operation: 'reportOutcome' }, ['']],
		[{ resource: 'delivery', operation: 'splitFailedBatch' }, ['']],
		[{ resource: 'delivery', operation: 'writeHubspotNotes' }, ['']],
		[{ resource: 'redelivery', operation: 'claim' }, ['']],
		[{ resource: 'redelivery', operation: 'plan' }, ['CRM Batches', 'Not Now']],
		[{ resource: 'redelivery', operation: 'report' }, ['']],
		[{ resource: 'consistency', operation: 'runChecks' }, ['']],
		[{ resource: 'consistency', operation: 'checkCrmContacts' }, ['Current', 'Stale']],
	])('draws the right outputs for %o', (parameters, expected) => {
		expect(outputsFor(parameters)).toEqual(expected);
	});

	it('draws the outputs of the default operations when a saved workflow leaves them out', () => {
		expect(outputsFor({})).toEqual(['Valid', 'Invalid']); // Event → Map from POS
		expect(outputsFor({ resource: 'quarantine' })).toEqual(['']); // Quarantine → Add
		expect(outputsFor({ operation: 'validate' })).toEqual(['Valid', 'Invalid']);
		expect(outputsFor({ resource: 'accounting' })).toEqual(['Valid', 'Invalid']); // Book
		expect(outputsFor({ resource: 'delivery' })).toEqual(['Allowed', 'Parked']); // Check Circuit
		expect(outputsFor({ resource: 'review' })).toEqual(['']); // List
	});

	it('has code behind every operation in the dropdowns', () => {
		expect(operations.length).toBe(25);
		for (const { resource, operation } of operations) {
			expect(findOperation(resource, operation), `${resource} → ${operation}`).toBeDefined();
		}
	});

	it('draws exactly the outputs each operation fills', () => {
		for (const { resource, operation } of operations) {
			const outputs = findOperation(resource, operation)?.outputs;
			expect(outputsFor({ resource, operation }).length, `${resource} → ${operation}`).toBe(
				outputs?.length,
			);
		}
	});

	it('lists every option in alphabetical order', () => {
		const unsorted: string[] = [];
		const visit = (properties: INodeProperties[], where: string) => {
			for (const property of properties) {
				const options = (property.options ?? []) as Array<INodePropertyOptions | INodeProperties>;
				const names = options.map((option) =>
					'displayName' in option ? option.displayName : option.name,
				);
				const sorted = [...names].sort((a, b) => a.localeCompare(b));
				if (names.join('|') !== sorted.join('|')) unsorted.push(`${where}.${property.name}`);
				const nested = options.filter(
					(option): option is INodeProperties => 'displayName' in option,
				);
				visit(nested, `${where}.${property.name}`);
			}
		};
		visit(description.properties, 'node');
		expect(unsorted).toEqual([]);
	});

	it('uses the package name in its codex and themed icons (their files are checked by the lint)', () => {
		expect(codex.node).toBe('n8n-nodes-belegfluss.belegfluss');
		expect(description.icon).toEqual({
			light: 'file:../../icons/belegfluss.svg',
			dark: 'file:../../icons/belegfluss.dark.svg',
		});
	});

	it('offers the same retry options on every operation that calls the sidecar', () => {
		// Write HubSpot Notes and Split Failed Batch work inside n8n and call nothing.
		const inN8nOnly = ['writeHubspotNotes', 'splitFailedBatch'];
		const callingSidecar = operations.filter(({ operation }) => !inN8nOnly.includes(operation));
		for (const { resource, operation } of callingSidecar) {
			const options = description.properties.find(
				(property) =>
					property.name === 'options' &&
					property.displayOptions?.show?.operation?.includes(operation) &&
					property.displayOptions?.show?.resource?.includes(resource),
			);
			const names = ((options?.options ?? []) as INodeProperties[]).map((option) => option.name);
			expect(names, `${resource} → ${operation}`).toEqual(
				expect.arrayContaining(['maxAttempts', 'maxRetryTime']),
			);
		}
	});
});
