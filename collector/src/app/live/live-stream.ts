/**
 * One client's push stream as the live hub (live-hub.ts) sees it: frames to send, how
 * much is still unsent, and its end. The HTTP adapter implements it over Server-Sent
 * Events (adapters/http/sse-stream.ts).
 */
import type { LiveChange, Watermark } from './watermark.ts';

export type LiveFrame =
  | { kind: 'event'; event: 'ready'; data: Watermark; id: string }
  | { kind: 'event'; event: 'change'; data: LiveChange; id: string }
  /** Ignored by clients; keeps proxies from closing an idle stream. */
  | { kind: 'comment'; text: string }
  /** The reconnection delay advised to the client. */
  | { kind: 'retry'; ms: number; comment: string };

export interface LiveStream {
  send(frame: LiveFrame): void;
  /** Bytes written but not yet taken by the client. */
  readonly bufferedBytes: number;
  /** Ended or destroyed: nothing more can be sent. */
  readonly ended: boolean;
  /** Ends the stream normally. */
  end(): void;
  /** Drops the stream at once (a client that does not read). */
  destroy(): void;
  /** Calls `listener` once when the stream closed, whoever closed it. */
  onClose(listener: () => void): void;
}
