/**
 * When to try a sidecar request again, and how long to wait first.
 *
 * n8n's own "Retry On Fail" waits at most 5 s between at most 5 tries, without backoff, which
 * is not enough for a sidecar under load; so the node retries busy answers itself.
 */

/** Answers that mean "busy, try again later" (from the sidecar or a proxy in front of it). */
export const RETRYABLE_STATUS_CODES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

const FIRST_BACKOFF_MS = 500;
const LONGEST_BACKOFF_MS = 30_000;

export interface RetryLimits {
	/** Attempts in total, the first one included. */
	maxAttempts: number;
	/** Time budget for one request including all its retries, in seconds. */
	maxRetryTimeSeconds: number;
}

/**
 * Milliseconds a `Retry-After` header asks to wait: either delay-seconds or an HTTP date.
 * `undefined` when the header is missing or unreadable.
 */
export function retryAfterMs(header: unknown, nowMs: number): number | undefined {
	const value = (Array.isArray(header) ? header[0] : header) as unknown;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - nowMs);
}

/**
 * Exponential backoff with "equal jitter": half of the wait grows as 0.5 s, 1 s, 2 s, … (capped),
 * the other half is random so that many n8n executions do not retry in lockstep.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(LONGEST_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1));
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryState {
	/** The attempt that just failed, starting at 1. */
	attempt: number;
	startedAtMs: number;
	nowMs: number;
	/** The `Retry-After` header of the failed answer, if any. */
	retryAfterHeader?: unknown;
}

/**
 * How long to wait before the next attempt, or `undefined` to give up: when the attempts are
 * used up, or when waiting would end after the time budget.
 */
export function nextRetryDelayMs(state: RetryState, limits: RetryLimits): number | undefined {
	if (state.attempt >= limits.maxAttempts) return undefined;
	const delay = retryAfterMs(state.retryAfterHeader, state.nowMs) ?? backoffMs(state.attempt);
	const deadlineMs = state.startedAtMs + limits.maxRetryTimeSeconds * 1000;
	if (state.nowMs + delay > deadlineMs) return undefined;
	return delay;
}
