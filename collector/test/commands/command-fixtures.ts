/** A valid resend command for the command tests; fields of `overrides` replace the defaults. */
import { COMMAND_SOURCE, CommandTypes, type ResendCommand } from '@flowtrail/sdk/protocol';

export function resendCommand(id: string, overrides: Partial<ResendCommand> = {}): ResendCommand {
  return {
    specversion: '1.0',
    id,
    source: COMMAND_SOURCE,
    type: CommandTypes.resend,
    time: '2026-11-22T09:00:00.000Z',
    fttarget: 'orders',
    ftprocess: 'order-fulfilment',
    ftinstance: 'o-1',
    data: { reason: 'missing-subprocess', what: 'start', findingId: 'f', attempt: 1 },
    ...overrides,
  };
}
