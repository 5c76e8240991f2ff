/** A valid resend command to vary in tests. */
import { COMMAND_SOURCE, CommandTypes, type ResendCommand } from '../../src/protocol/index.ts';

export function resendCommand(overrides: Partial<ResendCommand> = {}): ResendCommand {
  return {
    specversion: '1.0',
    id: 'cmd-1',
    source: COMMAND_SOURCE,
    type: CommandTypes.resend,
    time: '2026-11-22T09:00:00.000Z',
    fttarget: 'orders',
    ftprocess: 'order-fulfilment',
    ftinstance: 'o-4711',
    data: {
      reason: 'missing-subprocess',
      what: 'start',
      expectationId: 'exp-payment',
      findingId: 'missing-subprocess/orders%2Forder-fulfilment%2Fo-4711',
      attempt: 1,
    },
    ...overrides,
  };
}
