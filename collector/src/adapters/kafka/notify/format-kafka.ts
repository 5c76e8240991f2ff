/** The record on the alerts topic (`flowtrail.alerts`). Pure. */
import { webhookBody, type Notification } from '../../../ports/notifier.ts';

export const ALERT_KIND_HEADER = 'flowtrail-alert-kind';
export const ALERT_STATUS_HEADER = 'flowtrail-alert-status';
export const ALERT_TRANSITION_HEADER = 'flowtrail-alert-transition';

export interface KafkaAlertRecord {
  /** The alert id: every transition of one alert lands on one partition, in order. */
  key: string;
  /** The webhook body as JSON. */
  value: string;
  headers: Record<string, string>;
}

export function kafkaAlertRecord(n: Notification): KafkaAlertRecord {
  return {
    key: n.alertId,
    value: JSON.stringify(webhookBody(n)),
    headers: {
      [ALERT_KIND_HEADER]: n.kind,
      [ALERT_STATUS_HEADER]: n.status,
      [ALERT_TRANSITION_HEADER]: n.transition,
      'content-type': 'application/json',
    },
  };
}
