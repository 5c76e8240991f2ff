/**
 * Definitions and histories for the tests of re-deriving stored deadlines: a process
 * whose step `pick` gets a deadline from a definition, instances waiting in it.
 */
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { ProcessDefinition } from '../../src/domain/definitions/definition-schema.ts';
import { parseDefinitionYaml } from '../../src/domain/definitions/parse-definition.ts';
import type { EventScanner, InstanceEvents } from '../../src/ports/event-store.ts';
import { at, makeEvent } from '../helpers/events.ts';

/** Version `version` of `process`; `pick` has `deadline` when given (else none). */
export function definitionOf(
  process: string,
  version: number,
  deadline?: string,
): ProcessDefinition {
  const parsed = parseDefinitionYaml(
    `process: ${process}
version: ${version}
owner: team-ship
steps:
  - name: pick
${deadline !== undefined ? `    deadline: ${deadline}\n` : ''}    next: [ship]
  - name: ship
    next: []
`,
    'test',
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.definition;
}

/** process.started at `start`, pick started at +1 s and waiting at +2 s; `done` ends it. */
export function waitingInPick(
  process: string,
  instance: string,
  start: string,
  done = false,
): FlowtrailEvent[] {
  const time = (s: number) => new Date(Date.parse(start) + s * 1000).toISOString();
  const base = { process, instance };
  const id = (n: number) => `${process}-${instance}-${n}`;
  const events = [
    makeEvent({ ...base, id: id(1), type: 'flowtrail.process.started', time: time(0) }),
    makeEvent({ ...base, id: id(2), type: 'flowtrail.step.started', step: 'pick', time: time(1) }),
    makeEvent({
      ...base,
      id: id(3),
      type: 'flowtrail.step.waiting',
      step: 'pick',
      time: time(2),
      data: { for: 'stock' },
    }),
  ];
  if (done) {
    events.push(
      makeEvent({ ...base, id: id(4), type: 'flowtrail.process.completed', time: time(3) }),
    );
  }
  return events;
}

/**
 * A scanner over a history to learn from: per run, 25 instances of `process` whose `pick`
 * completed after `seconds` (enough samples to learn a deadline); it ignores the filter.
 */
export function pickHistory(
  start: string,
  runs: readonly { process: string; seconds: number }[],
): EventScanner {
  const instances: InstanceEvents[] = [];
  for (const { process, seconds } of runs) {
    for (let i = 0; i < 25; i += 1) {
      const base = { process, instance: `${process}-h${i}`, step: 'pick' };
      const id = (n: number) => `${process}-h${i}-${n}`;
      const events: FlowtrailEvent[] = [
        makeEvent({ ...base, id: id(1), type: EventTypes.stepStarted, time: start }),
        makeEvent({
          ...base,
          id: id(2),
          type: EventTypes.stepCompleted,
          time: at(start, seconds),
        }),
      ];
      instances.push({ key: `shop/${process}/${base.instance}`, events });
    }
  }
  return {
    async *scanInstanceEvents(): AsyncGenerator<InstanceEvents> {
      yield* instances;
    },
  };
}
