// A chat's replies from Slack reach the visitor in the order they were written: Slack's ts
// compared exactly (16 digits do not fit a double), and a later reply delayed behind an earlier one.
import { describe, expect, it } from 'vitest';
import { tsBefore } from '../../src/store/relayed-replies.repository.ts';
import { ReplyOrderError } from '../../src/errors/index.ts';
import { classifyFailure } from '../../src/queues/job-errors.ts';

describe('tsBefore', () => {
  it.each([
    ['1700000000.000100', '1700000000.000200', true],
    ['1700000000.000200', '1700000000.000100', false],
    ['1700000000.000100', '1700000000.000100', false],
    ['1699999999.999999', '1700000000.000000', true],
    ['999999999.000001', '1700000000.000000', true],
    ['1700000000.0001', '1700000000.000099', false],
    ['1700000000.9999995', '1700000000.9999996', true],
  ])('%s before %s: %s', (a, b, out) => {
    expect(tsBefore(a, b)).toBe(out);
  });
});

describe('a reply waiting for an earlier one', () => {
  it('is delayed 2 to 4 s without using an attempt', () => {
    expect(classifyFailure(new ReplyOrderError('conv_1', '1.1'), 0)).toEqual({ kind: 'delay', ms: 2000, why: 'an earlier reply goes first' });
    expect(classifyFailure(new ReplyOrderError('conv_1', '1.1'), 0.5)).toEqual({ kind: 'delay', ms: 3000, why: 'an earlier reply goes first' });
  });
});
