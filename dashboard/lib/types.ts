/** Shapes of the collector's query API answers (docs/http-api.md, collector/src/views). */
export type InstanceStatus = 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';
export const SEARCH_STATUSES = [
  'running',
  'waiting',
  'stuck',
  'inconsistent',
  'completed',
  'failed',
  'cancelled',
] as const;

export interface StepState {
  name: string;
  status: 'running' | 'waiting' | 'completed' | 'failed';
  owner?: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  attempts: number;
  waitingFor?: string;
  waitingSince?: string;
  deadline?: string;
  error?: { message: string; code?: string; at: string; step?: string };
}

export interface ParentLink {
  source: string;
  process: string;
  instance: string;
  expectationId?: string;
}

export interface InstanceState {
  key: string;
  source: string;
  process: string;
  instance: string;
  status: InstanceStatus;
  eventCount: number;
  firstEventAt: string;
  lastEventAt: string;
  lastEventType: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  businessKeys: Record<string, string>;
  owner?: string;
  steps: StepState[];
  currentSteps: string[];
  waits: { step: string; for?: string; since: string; deadline?: string }[];
  expectations: {
    id: string;
    system: string;
    process: string;
    registeredAt: string;
    deadline?: string;
    fulfilledAt?: string;
    status: 'open' | 'fulfilled';
  }[];
  parent?: ParentLink;
  systems: string[];
  error?: { message: string; code?: string; at: string; step?: string };
  traceIds: string[];
  nextDeadline?: string;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface SearchAnswer {
  total: number;
  instances: InstanceState[];
  capped?: boolean;
  facets?: Partial<Record<'status' | 'process' | 'system' | 'owner', FacetValue[]>>;
}

export interface FlowtrailEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  time: string;
  ftprocess?: string;
  ftinstance?: string;
  ftstep?: string;
  ftowner?: string;
  traceparent?: string;
  data?: Record<string, unknown>;
}

export type AlertStatus = 'firing' | 'acknowledged' | 'silenced' | 'resolved';

export interface Alert {
  id: string;
  kind: string;
  status: AlertStatus;
  source: string;
  process: string;
  instance: string;
  step: string | null;
  owner: string | null;
  since: string;
  summary: string;
  group: string;
  relatedKeys: string[];
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  silencedUntil: string | null;
  silencedBy: string | null;
}

export interface AlertsAnswer {
  total: number;
  alerts: Alert[];
}

export interface HeatmapCell {
  step: string;
  bucket: number;
  count: number;
  medianMs?: number;
  p95Ms?: number;
  medianWaitingMs?: number;
}

export interface Bottleneck {
  step: string;
  count: number;
  totalMs: number;
  medianMs?: number;
  p95Ms?: number;
}

export interface Heatmap {
  dimension: 'hour' | 'weekday';
  steps: string[];
  buckets: number[];
  cells: HeatmapCell[];
  bottlenecks: Bottleneck[];
}

export interface GraphEdge {
  from: string;
  to: string;
  count: number;
  samples: number;
  meanMs?: number;
  medianMs?: number;
  p95Ms?: number;
}

export interface ProcessGraph {
  process: string;
  mode: string;
  instances: number;
  nodes: { step: string; count: number }[];
  edges: GraphEdge[];
  startSteps: Record<string, number>;
  endSteps: Record<string, number>;
}

export interface OwnershipCell {
  count: number;
  keys: string[];
}

export interface OwnershipRow {
  name: string;
  open: OwnershipCell;
  waiting: OwnershipCell;
  stuck: OwnershipCell;
  owners?: string[];
}

export interface Ownership {
  owners: OwnershipRow[];
  teams: OwnershipRow[];
}

export interface TimelineBar {
  lane: string;
  instanceKey: string;
  step: string;
  owner?: string;
  start: string;
  end?: string;
  open: boolean;
  status: 'running' | 'waiting' | 'completed' | 'failed' | 'abandoned';
  attempt: number;
}

export interface TimelineWait {
  lane: string;
  instanceKey: string;
  step: string;
  for?: string;
  start: string;
  end?: string;
  deadline?: string;
}

export interface ArrowEnd {
  lane: string;
  time: string;
  instanceKey: string;
}

export interface Timeline {
  rootKey: string;
  start: string;
  end: string;
  lanes: { system: string; instances: string[] }[];
  bars: TimelineBar[];
  waits: TimelineWait[];
  gaps: { lane: string; instanceKey: string; start: string; end: string }[];
  arrows: { messageId: string; from?: ArrowEnd; to?: ArrowEnd; toSystem?: string }[];
  links: { parent: string; child: string; expectationId?: string }[];
  markers: {
    lane: string;
    instanceKey: string;
    time: string;
    kind: 'finding' | 'action' | 'alert-resolved';
    alertId: string;
    summary: string;
  }[];
}

export interface AlertHistoryEntry {
  at: string;
  status: string;
  note?: string;
}

/** `GET /api/alerts/:id`: the alert as listed plus its details and history. */
export interface AlertDetail extends Alert {
  details?: Record<string, unknown>;
  history: AlertHistoryEntry[];
}

/** `GET /api/definitions/:process` (the parts the dashboard reads). */
export interface ProcessDefinition {
  process: string;
  version: number;
  steps: { name: string; deadline?: string; waitDeadline?: string; owner?: string }[];
}
