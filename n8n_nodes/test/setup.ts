/**
 * Every test runs with
 * - no real network: only what nock intercepts answers;
 * - n8n's `sleep` replaced by a fake that records the wait and moves the clock forward, so
 *   retry tests assert exact waits and time budgets without waiting.
 */
import nock from 'nock';
import { afterEach, beforeEach, vi } from 'vitest';

vi.mock('n8n-workflow', async (importOriginal) => {
	const original = await importOriginal<typeof import('n8n-workflow')>();
	return {
		...original,
		sleep: vi.fn(async (ms: number) => {
			vi.setSystemTime(Date.now() + ms);
		}),
	};
});

beforeEach(() => {
	vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-02T09:00:00Z') });
	nock.disableNetConnect();
});

afterEach(() => {
	nock.cleanAll();
	nock.enableNetConnect();
	vi.useRealTimers();
});
