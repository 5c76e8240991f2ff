/** The handler runner behind both deliveries: filtering, dedupe, expiry, caught errors. */
import { describe, expect, it } from 'vitest';
import { CommandHandlerError, InvalidCommandError, type FlowtrailError } from '../../src/index.ts';
import { CommandRunner } from '../../src/commands/command-runner.ts';
import type { FlowtrailCommand } from '../../src/protocol/index.ts';
import { resendCommand } from './command-fixtures.ts';

const NOW = new Date('2026-11-22T09:00:05.000Z');

function runner(handler: (c: FlowtrailCommand) => void | Promise<void>, dedupeSize = 100) {
  const errors: FlowtrailError[] = [];
  const r = new CommandRunner({
    system: 'orders',
    handler,
    report: (err) => errors.push(err),
    dedupeSize,
    maxAgeMs: 3600_000,
    clock: () => NOW,
  });
  return { r, errors };
}

describe('CommandRunner', () => {
  it('handles a command once; a redelivery of the same id is a duplicate', async () => {
    const seen: string[] = [];
    const { r, errors } = runner((c) => void seen.push(c.id));
    expect(await r.run(resendCommand())).toBe('handled');
    expect(await r.run(resendCommand())).toBe('duplicate');
    expect(await r.run(resendCommand({ id: 'cmd-2' }))).toBe('handled');
    expect(seen).toEqual(['cmd-1', 'cmd-2']);
    expect(r.stats).toEqual({
      received: 3,
      handled: 2,
      duplicates: 1,
      failed: 0,
      invalid: 0,
      expired: 0,
    });
    expect(errors).toEqual([]);
  });

  it('ignores commands for other systems without counting them', async () => {
    const { r } = runner(() => {
      throw new Error('not for me');
    });
    expect(await r.run(resendCommand({ fttarget: 'shipping' }))).toBe('ignored');
    expect(r.stats.received).toBe(0);
  });

  it('catches sync and async handler errors, reports them, and lets a retry succeed', async () => {
    let calls = 0;
    const { r, errors } = runner(async () => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
      if (calls === 2) return Promise.reject('plain string');
    });
    expect(await r.run(resendCommand())).toBe('failed');
    expect(await r.run(resendCommand())).toBe('failed');
    expect(await r.run(resendCommand())).toBe('handled');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(CommandHandlerError);
    expect(errors[0]).toMatchObject({
      retriable: true,
      commandId: 'cmd-1',
      code: 'command-handler',
    });
    expect(errors[1]?.message).toContain('plain string');
    expect(r.stats).toMatchObject({ handled: 1, failed: 2 });
  });

  it('reports invalid commands addressed to it and skips expired ones', async () => {
    const { r, errors } = runner(() => undefined);
    expect(await r.run({ fttarget: 'orders', type: 'flowtrail.command.resend' })).toBe('invalid');
    expect(errors[0]).toBeInstanceOf(InvalidCommandError);
    expect(errors[0]?.retriable).toBe(false);
    expect(await r.run(resendCommand({ id: 'old', time: '2026-11-22T07:00:00.000Z' }))).toBe(
      'expired',
    );
    expect(r.stats).toMatchObject({ invalid: 1, expired: 1, handled: 0 });
  });
});
