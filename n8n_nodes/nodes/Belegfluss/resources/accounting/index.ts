import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../../shared/operation';
import { bookDescription, bookOperation } from './book';
import { exportDatevDescription, exportDatevOperation } from './exportDatev';
import { reconcileDescription, reconcileOperation } from './reconcile';

export const accountingOperations: ResourceOperations = {
	book: bookOperation,
	exportDatev: exportDatevOperation,
	reconcile: reconcileOperation,
};

export const accountingDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['accounting'] } },
		options: [
			{
				name: 'Book',
				value: 'book',
				action: 'Book events under a location profile',
				description:
					'Turn validated sales, refunds, Z-reports and payouts into balanced bookings, stored once per event. Items that cannot be booked go to the second output.',
			},
			{
				name: 'DATEV Export',
				value: 'exportDatev',
				action: 'Export bookings as a DATEV file',
				description:
					"Write a period's bookings as a DATEV EXTF Buchungsstapel (CSV) for the tax advisor, as a binary file",
			},
			{
				name: 'Reconcile',
				value: 'reconcile',
				action: 'Reconcile z reports with their receipts',
				description:
					'Compare Z-reports with the stored receipts of their register and day, per tax rate and payment method',
			},
		],
		default: 'book',
	},
	...bookDescription,
	...exportDatevDescription,
	...reconcileDescription,
];
