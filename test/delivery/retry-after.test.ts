import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryAfter } from '../../src/delivery/retry-after.ts';

describe('parseRetryAfter', () => {
  const now = new Date('2026-05-14T12:00:00Z');

  it('reads delay seconds', () => {
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter(' 120 ', now), 120_000);
    assert.equal(parseRetryAfter('1.5', now), 1500);
  });

  it('reads an HTTP-date, against the Date header when given', () => {
    assert.equal(parseRetryAfter('Thu, 14 May 2026 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Thu, 14 May 2026 12:00:30 GMT', now, 'Thu, 14 May 2026 12:00:20 GMT'), 10_000);
    assert.equal(parseRetryAfter('Thu, 14 May 2026 11:00:00 GMT', now), 0, 'a date in the past means now');
  });

  it('reads Stockholm local time in summer (UTC+2) against the Date header', () => {
    // 14:22:16 in Stockholm in May is 12:22:16 UTC.
    assert.equal(parseRetryAfter('2026-05-14 14:22:16', now, 'Thu, 14 May 2026 12:22:10 GMT'), 6000);
  });

  it('reads Stockholm local time in winter (UTC+1)', () => {
    const winter = new Date('2026-01-15T09:00:00Z');
    assert.equal(parseRetryAfter('2026-01-15 10:00:05', winter, 'Thu, 15 Jan 2026 09:00:00 GMT'), 5000);
    // Without a Date header the local clock is the reference.
    assert.equal(parseRetryAfter('2026-01-15 10:00:02', winter), 2000);
  });

  it('is DST-correct across the spring and autumn changes', () => {
    // 2026-03-29: clocks jump 02:00 → 03:00 local (01:00 UTC). 03:00:10 local = 01:00:10 UTC.
    assert.equal(parseRetryAfter('2026-03-29 03:00:10', new Date('2026-03-29T01:00:00Z')), 10_000);
    // 2026-10-25: 03:00 CEST → 02:00 CET (01:00 UTC). 02:30 local happens twice; the first is 00:30 UTC.
    assert.equal(parseRetryAfter('2026-10-25 02:30:00', new Date('2026-10-25T00:29:00Z')), 60_000);
    // After the change: 04:00 local = 03:00 UTC.
    assert.equal(parseRetryAfter('2026-10-25 04:00:00', new Date('2026-10-25T02:59:00Z')), 60_000);
  });

  it('answers undefined for what it cannot read', () => {
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('2026-13-40 99:00:00', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
  });
});
