/** What a demo run emitted and which faults it injected, and its printable form. */
import type { FlowtrailStats } from '@flowtrail/sdk';
import { FAULT_KINDS, SYSTEMS, type FaultKind, type SystemName } from './plan.ts';

export interface SystemSummary {
  /** Process instances started (process.started events emitted). */
  instances: number;
  stats: FlowtrailStats;
}

export interface DemoSummary {
  seed: string;
  runId: string;
  /** Where the events went, e.g. `http://127.0.0.1:4100/api/events`. */
  target: string;
  orders: number;
  systems: Record<SystemName, SystemSummary>;
  /** Order ids per injected fault. */
  faults: Record<FaultKind, string[]>;
  /** Events delivered a second time with the same id. */
  redelivered: number;
  /** Orders whose lost message was resent on the collector's command (repair-desk.ts). */
  repaired: number;
  /** SDK errors by code: count and first message. */
  errors: Record<string, { count: number; first: string }>;
  /** Events the collector refused one by one (HTTP ingest only). */
  rejected: number;
}

export function emptySummary(seed: string, runId: string, target: string): DemoSummary {
  const stats = (): FlowtrailStats => ({
    emitted: 0,
    sent: 0,
    dropped: 0,
    failed: 0,
    invalid: 0,
    pending: 0,
  });
  return {
    seed,
    runId,
    target,
    orders: 0,
    systems: Object.fromEntries(
      SYSTEMS.map((s) => [s, { instances: 0, stats: stats() }]),
    ) as Record<SystemName, SystemSummary>,
    faults: Object.fromEntries(FAULT_KINDS.map((f) => [f, []])) as unknown as Record<
      FaultKind,
      string[]
    >,
    redelivered: 0,
    repaired: 0,
    errors: {},
    rejected: 0,
  };
}

/** True when every emitted event was delivered. */
export function deliveredAll(summary: DemoSummary): boolean {
  return SYSTEMS.every((s) => {
    const { stats } = summary.systems[s];
    return stats.failed === 0 && stats.dropped === 0 && stats.invalid === 0 && stats.pending === 0;
  });
}

export function formatSummary(summary: DemoSummary): string {
  const lines = [
    `flowtrail demo: ${summary.orders} orders → ${summary.target} (seed ${summary.seed}, run ${summary.runId})`,
    '',
    `  ${'system'.padEnd(10)} ${['instances', 'emitted', 'sent', 'failed', 'dropped', 'invalid'].map((h) => h.padStart(9)).join(' ')}`,
  ];
  for (const system of SYSTEMS) {
    const { instances, stats } = summary.systems[system];
    const cells = [
      instances,
      stats.emitted,
      stats.sent,
      stats.failed,
      stats.dropped,
      stats.invalid,
    ];
    lines.push(`  ${system.padEnd(10)} ${cells.map((c) => String(c).padStart(9)).join(' ')}`);
  }
  lines.push('', 'faults injected:');
  let any = false;
  for (const fault of FAULT_KINDS) {
    const orders = summary.faults[fault];
    if (orders.length === 0) continue;
    any = true;
    const shown = orders.slice(0, 8).join(', ') + (orders.length > 8 ? ', …' : '');
    lines.push(`  ${fault.padEnd(18)} ${String(orders.length).padStart(4)}  ${shown}`);
  }
  if (!any) lines.push('  none');
  if (summary.redelivered > 0)
    lines.push(`events delivered twice (same id): ${summary.redelivered}`);
  if (summary.repaired > 0) lines.push(`orders repaired by a resend command: ${summary.repaired}`);
  if (summary.rejected > 0) lines.push(`events rejected by the collector: ${summary.rejected}`);
  for (const [code, { count, first }] of Object.entries(summary.errors)) {
    lines.push(`errors "${code}": ${count} (first: ${first})`);
  }
  return lines.join('\n');
}
