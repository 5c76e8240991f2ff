/** A stuck-payment notification for the notifier tests; override any field. */
import type { Notification } from '../../src/ports/notifier.ts';

export function sampleNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    alertId: 'stuck/payments%2Fpayment%2Fp-981/step:capture',
    kind: 'stuck',
    status: 'firing',
    transition: 'fired',
    source: 'payments',
    process: 'payment',
    instance: 'p-981',
    step: 'capture',
    owner: 'team-payments',
    since: '2024-07-01T10:00:00.000Z',
    summary: 'Step capture has waited 2h 05m past its 10m deadline.',
    timelineUrl: 'http://127.0.0.1:3000/instances/payments%2Fpayment%2Fp-981',
    at: '2024-07-01T12:05:00.000Z',
    ...overrides,
  };
}
