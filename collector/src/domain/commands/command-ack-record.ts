/**
 * The record an acknowledgement becomes on the acks topic (`flowtrail.command-acks`), so
 * that every collector removes the command from its queue: one record per command id,
 * key = the id, value `{"id":"<command id>","time":"<RFC 3339>"}` (JSON), header
 * `content-type: application/json`. Never on `flowtrail.commands`: SDK consumers of that
 * topic see commands only.
 */
export const ACK_CONTENT_TYPE = 'application/json';

export interface CommandAck {
  id: string;
  time: string;
}

export interface AckRecord {
  key: string;
  value: string;
  headers: { 'content-type': string };
}

export function encodeAck(id: string, at: Date): AckRecord {
  const ack: CommandAck = { id, time: at.toISOString() };
  return { key: id, value: JSON.stringify(ack), headers: { 'content-type': ACK_CONTENT_TYPE } };
}

/** The acknowledged command id of a record value; undefined when it is not an ack. */
export function decodeAck(value: Buffer | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    return undefined;
  }
  const id = (parsed as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
