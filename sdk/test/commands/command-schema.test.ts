/** The command contract (protocol/command.ts): validation, the reserved prefix, the codec. */
import { describe, expect, it } from 'vitest';
import {
  CommandTypes,
  decodeCommand,
  encodeCommand,
  isCommandType,
  validateCommand,
  validateEvent,
  type ResendCommand,
} from '../../src/protocol/index.ts';
import { resendCommand } from './command-fixtures.ts';

describe('validateCommand', () => {
  it('accepts a resend command, with custom reasons, extensions and extra data', () => {
    expect(validateCommand(resendCommand()).ok).toBe(true);
    const custom = resendCommand({ ftcustom: 'x' } as Partial<ResendCommand>);
    custom.data = { ...custom.data, reason: 'my-rule', what: 'invoice', note: 'hi' };
    expect(validateCommand(custom)).toEqual({ ok: true, command: custom });
  });

  it('returns every problem at once', () => {
    const bad = {
      ...resendCommand(),
      id: '',
      source: 'someone-else',
      time: 'yesterday',
      fttarget: undefined,
      data: { reason: 'stuck', what: '', attempt: 0 },
    };
    const result = validateCommand(bad);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors.join('\n');
    for (const path of [
      '/id',
      '/source',
      '/time',
      '/fttarget',
      '/data/what',
      '/data/findingId',
      '/data/attempt',
    ]) {
      expect(errors).toContain(path);
    }
  });

  it('refuses non-objects, non-command types and unknown command types', () => {
    expect(validateCommand(null)).toEqual({ ok: false, errors: ['command must be a JSON object'] });
    expect(validateCommand([])).toMatchObject({ ok: false });
    const event = validateCommand(resendCommand({ type: 'flowtrail.process.started' as never }));
    expect(event.ok ? '' : event.errors[0]).toMatch(/not a Flowtrail command/);
    const unknown = validateCommand(resendCommand({ type: 'flowtrail.command.explode' as never }));
    expect(unknown.ok ? '' : unknown.errors[0]).toMatch(/unknown command type/);
  });

  it('requires an integer attempt from 1 and JSON data', () => {
    const c = resendCommand();
    expect(validateCommand({ ...c, data: { ...c.data, attempt: 1.5 } }).ok).toBe(false);
    expect(validateCommand({ ...c, datacontenttype: 'text/plain' }).ok).toBe(false);
    expect(validateCommand({ ...c, data: { ...c.data, attempt: 3 } }).ok).toBe(true);
  });
});

describe('flowtrail.command.* is reserved', () => {
  it('is recognised as a command type and is never a valid event', () => {
    expect(isCommandType(CommandTypes.resend)).toBe(true);
    expect(isCommandType('flowtrail.command.anything')).toBe(true);
    expect(isCommandType('flowtrail.process.started')).toBe(false);
    const asEvent = validateEvent(resendCommand());
    expect(asEvent.ok).toBe(false);
  });
});

describe('encodeCommand / decodeCommand', () => {
  it('round-trips and rejects broken values', () => {
    const command = resendCommand();
    expect(decodeCommand(encodeCommand(command))).toEqual({ ok: true, command });
    expect(decodeCommand('{nope')).toMatchObject({ ok: false });
    expect(decodeCommand(null)).toEqual({ ok: false, errors: ['empty message'] });
  });
});
