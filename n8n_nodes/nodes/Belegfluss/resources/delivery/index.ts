import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { checkCircuitDescription, checkCircuitOperation } from './checkCircuit';
import { reportOutcomeDescription, reportOutcomeOperation } from './reportOutcome';
import { splitFailedBatchDescription, splitFailedBatchOperation } from './splitFailedBatch';
import { writeHubspotNotesDescription, writeHubspotNotesOperation } from './writeHubspotNotes';

export const deliveryOperations: ResourceOperations = {
	checkCircuit: checkCircuitOperation,
	reportOutcome: reportOutcomeOperation,
	splitFailedBatch: splitFailedBatchOperation,
	writeHubspotNotes: writeHubspotNotesOperation,
};

export const deliveryDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['delivery'] } },
		options: [
			{
				name: 'Check Circuit',
				value: 'checkCircuit',
				action: 'Check the circuit breaker of a delivery target',
				description:
					'Ask whether items may be delivered to their target now. Items whose target is failing (circuit open) go to the second output, to be parked and retried later.',
			},
			{
				name: 'Report Outcome',
				value: 'reportOutcome',
				action: 'Report how a delivery went',
				description:
					"Tell the target's circuit breaker whether a delivery worked; repeated failures open the circuit for all workers",
			},
			{
				name: 'Split Failed Batch',
				value: 'splitFailedBatch',
				action: 'Split a batch the CRM refused into its sales',
				description:
					"Turn a CRM batch from an HTTP Request node's error output into one item per sale, with the status code and error text, for Report Outcome. Runs in n8n, calls nothing.",
			},
			{
				name: 'Write HubSpot Notes',
				value: 'writeHubspotNotes',
				action: 'Associate purchase notes with their contacts',
				description:
					"Turn a CRM batch's purchase notes into HubSpot's notes batch-create body, each note associated with the contact HubSpot's upsert answered for its golden ID. Runs in n8n, calls nothing.",
			},
		],
		default: 'checkCircuit',
	},
	...checkCircuitDescription,
	...reportOutcomeDescription,
	...splitFailedBatchDescription,
	...writeHubspotNotesDescription,
];
