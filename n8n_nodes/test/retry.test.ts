import { describe, expect, it } from 'vitest';

import { backoffMs, nextRetryDelayMs, retryAfterMs } from '../nodes/Belegfluss/shared/retry';

const now = Date.parse('2026-03-02T09:00:00Z');

describe('Retry-After', () => {
	it('reads delay-seconds', () => {
		expect(retryAfterMs('7', now)).toBe(7000);
		expect(retryAfterMs(['2'], now)).toBe(2000);
	});

	it('reads an HTTP date, and a date in the past means no wait', () => {
		expect(retryAfterMs('Mon, 02 Mar 2026 09:00:30 GMT', now)).toBe(30_000);
		expect(retryAfterMs('Mon, 02 Mar 2026 08:59:00 GMT', now)).toBe(0);
	});

	it('ignores a missing or unreadable header', () => {
		expect(retryAfterMs(undefined, now)).toBeUndefined();
		expect(retryAfterMs('soon', now)).toBeUndefined();
	});
});

describe('backoff', () => {
	it('doubles from half a second and stops growing at 30 s', () => {
		const ceilings = [1, 2, 3, 4, 10, 20].map((attempt) => backoffMs(attempt, () => 1));
		expect(ceilings).toEqual([500, 1000, 2000, 4000, 30_000, 30_000]);
	});

	it('keeps at least half of the wait when chance says zero', () => {
		expect(backoffMs(3, () => 0)).toBe(1000);
	});

	it("prefers the server's Retry-After over its own backoff", () => {
		const delay = nextRetryDelayMs(
			{ attempt: 1, startedAtMs: now, nowMs: now, retryAfterHeader: '9' },
			{ maxAttempts: 3, maxRetryTimeSeconds: 60 },
		);
		expect(delay).toBe(9000);
	});

	it('gives up on the last attempt', () => {
		const delay = nextRetryDelayMs(
			{ attempt: 3, startedAtMs: now, nowMs: now },
			{ maxAttempts: 3, maxRetryTimeSeconds: 60 },
		);
		expect(delay).toBeUndefined();
	});
});
