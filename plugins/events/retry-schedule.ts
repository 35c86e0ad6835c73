/**
 * Delay before the next attempt after `failures` failed ones: exponential (base, 2 base, 4 base,
 * ...) up to `max`, with "equal jitter" (between half and all of it), so that receivers coming
 * back from an outage are not hit by every retry at the same instant.
 */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 40));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}
