/** `buildResendCommand`: who must act for which finding, and the command it gets. */
import { describe, expect, it } from 'vitest';
import { instanceKey, validateCommand } from '@flowtrail/sdk/protocol';
import {
  buildResendCommand,
  deterministicCommandId,
  type ResendFinding,
} from '../../src/domain/commands/build-resend-command.ts';
import { findingId, type Finding } from '../../src/domain/detection/finding.ts';

const NOW = new Date('2026-11-22T09:00:00.000Z');
const parentKey = instanceKey({ source: 'orders', process: 'order-fulfilment', instance: 'o-1' });
const childKey = instanceKey({ source: 'payments', process: 'payment', instance: 'p-1' });

function finding(overrides: Partial<Finding>): Finding {
  return {
    kind: 'missing-subprocess',
    instanceKey: parentKey,
    relatedKeys: [],
    process: 'order-fulfilment',
    source: 'orders',
    since: '2026-11-22T08:59:00.000Z',
    summary: 's',
    details: { expectationId: 'exp-pay' },
    ...overrides,
  };
}

const id = () => 'cmd-1';

describe('buildResendCommand', () => {
  it('asks the parent B to resend the start of a missing subprocess', () => {
    const f = finding({ step: 'await-payment' });
    const command = buildResendCommand(f, 1, NOW, id);
    expect(command).toEqual({
      specversion: '1.0',
      id: 'cmd-1',
      source: 'flowtrail-collector',
      type: 'flowtrail.command.resend',
      time: NOW.toISOString(),
      datacontenttype: 'application/json',
      fttarget: 'orders',
      ftprocess: 'order-fulfilment',
      ftinstance: 'o-1',
      data: {
        reason: 'missing-subprocess',
        what: 'start',
        expectationId: 'exp-pay',
        step: 'await-payment',
        findingId: findingId(f),
        attempt: 1,
      },
    });
    expect(validateCommand(command).ok).toBe(true);
  });

  it('asks the child C to resend the completion it lost', () => {
    const f = finding({
      kind: 'lost-completion',
      instanceKey: childKey,
      relatedKeys: [parentKey],
      process: 'payment',
      source: 'payments',
      details: { expectationId: 'exp-pay', parentKey },
    });
    const command = buildResendCommand(f, 2, NOW, id);
    expect(command).toMatchObject({
      fttarget: 'payments',
      ftprocess: 'payment',
      ftinstance: 'p-1',
      data: { reason: 'lost-completion', what: 'completion', attempt: 2, expectationId: 'exp-pay' },
    });
  });

  it('follows details.resend of the consistency rules, even when it names another instance', () => {
    const f = finding({
      kind: 'lost-completion',
      step: 'charge',
      details: {
        expectationId: 'exp-pay',
        resend: { system: 'payments', what: 'completion', instanceKey: childKey, messageId: 'm-9' },
      },
    });
    const command = buildResendCommand(f, 1, NOW, id);
    expect(command?.fttarget).toBe('payments');
    expect(command?.ftinstance).toBe('p-1');
    expect(command?.data).toMatchObject({ what: 'completion', messageId: 'm-9' });
    expect(command?.data.step).toBeUndefined(); // the step is the other instance's
  });

  it('asks a stuck instance to resend a message; uses a given finding id', () => {
    const f: ResendFinding = { ...finding({ kind: 'stuck', step: 'pick' }), id: 'f-42' };
    expect(buildResendCommand(f, 1, NOW, id)?.data).toMatchObject({
      reason: 'stuck',
      what: 'message',
      findingId: 'f-42',
      step: 'pick',
    });
  });

  it('returns undefined when nobody can resend, and refuses bad attempts', () => {
    for (const kind of ['orphan', 'duplicate', 'divergence', 'nonconformance'] as const) {
      expect(buildResendCommand(finding({ kind }), 1, NOW, id)).toBeUndefined();
    }
    expect(buildResendCommand(finding({ instanceKey: 'not-a-key' }), 1, NOW, id)).toBeUndefined();
    expect(buildResendCommand(finding({ instanceKey: '%E0/a/b' }), 1, NOW, id)).toBeUndefined();
    const contradictory = finding({ details: { resend: { system: 'billing' } } });
    expect(buildResendCommand(contradictory, 1, NOW, id)).toBeUndefined();
    expect(() => buildResendCommand(finding({}), 0, NOW, id)).toThrow(RangeError);
  });

  it('gives deterministic ids per (finding, attempt) on request', () => {
    const f = finding({});
    const a = buildResendCommand(f, 1, NOW, () => deterministicCommandId(findingId(f), 1));
    const b = buildResendCommand(f, 1, NOW, () => deterministicCommandId(findingId(f), 1));
    expect(a?.id).toBe(b?.id);
    expect(deterministicCommandId(findingId(f), 2)).not.toBe(a?.id);
  });
});
