import type { IDataObject } from 'n8n-workflow';

/** One problem the sidecar found with an item: stable code, JSON path, readable message. */
export interface SidecarIssue extends IDataObject {
	code: string;
	path: string;
	message: string;
}

/** The sidecar's answer for one item of a batch (`{"results": [...]}`). */
export interface ItemAnswer extends IDataObject {
	index: number;
	ok: boolean;
}

export function issuesOf(answer: IDataObject, key: 'errors' | 'warnings'): SidecarIssue[] {
	const issues = answer[key];
	return Array.isArray(issues) ? (issues as SidecarIssue[]) : [];
}
