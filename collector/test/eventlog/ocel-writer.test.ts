import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { describe, expect, it } from 'vitest';
import {
  buildOcel,
  readEventLog,
  toFlowtrailEvents,
  writeOcel,
  type OcelLog,
} from '../../src/tools/eventlog/index.ts';
import { collect, logFile } from './log-files.ts';

/** Structural checks of an OCEL 2.0 JSON log (the parts the JSON schema requires). */
function structuralProblems(log: OcelLog): string[] {
  const problems: string[] = [];
  for (const key of ['objectTypes', 'eventTypes', 'objects', 'events'] as const) {
    if (!Array.isArray(log[key])) problems.push(`${key} missing`);
  }
  const objectIds = new Set(log.objects.map((o) => o.id));
  if (objectIds.size !== log.objects.length) problems.push('duplicate object ids');
  if (new Set(log.events.map((e) => e.id)).size !== log.events.length)
    problems.push('duplicate event ids');
  const declared = (types: OcelLog['objectTypes']) =>
    new Map(types.map((t) => [t.name, new Map(t.attributes.map((a) => [a.name, a.type]))]));
  const objectTypes = declared(log.objectTypes);
  const eventTypes = declared(log.eventTypes);
  const kindOk = (type: string | undefined, value: unknown) =>
    type === 'string'
      ? typeof value === 'string'
      : type === 'integer'
        ? Number.isInteger(value)
        : type === 'float'
          ? typeof value === 'number'
          : type === 'boolean'
            ? typeof value === 'boolean'
            : type === 'time'
              ? typeof value === 'string' && !Number.isNaN(Date.parse(value))
              : false;
  for (const object of log.objects) {
    const attrs = objectTypes.get(object.type);
    if (attrs === undefined) problems.push(`object ${object.id}: undeclared type ${object.type}`);
    for (const a of object.attributes) {
      if (!kindOk(attrs?.get(a.name), a.value)) problems.push(`object ${object.id}: ${a.name}`);
      if (Number.isNaN(Date.parse(a.time))) problems.push(`object ${object.id}: ${a.name} time`);
    }
    for (const r of object.relationships) {
      if (!objectIds.has(r.objectId)) problems.push(`object ${object.id} → missing ${r.objectId}`);
    }
  }
  for (const event of log.events) {
    const attrs = eventTypes.get(event.type);
    if (attrs === undefined) problems.push(`event ${event.id}: undeclared type ${event.type}`);
    if (!/Z$/.test(event.time) || Number.isNaN(Date.parse(event.time)))
      problems.push(`event ${event.id}: time`);
    for (const a of event.attributes) {
      if (!kindOk(attrs?.get(a.name), a.value)) problems.push(`event ${event.id}: ${a.name}`);
    }
    for (const r of event.relationships) {
      if (!objectIds.has(r.objectId)) problems.push(`event ${event.id} → missing ${r.objectId}`);
      if (typeof r.qualifier !== 'string') problems.push(`event ${event.id}: qualifier`);
    }
  }
  return problems;
}

function instanceEvents(
  instance: string,
  source: string,
  keys: Record<string, string>,
  extra: Partial<FlowtrailEvent> = {},
): FlowtrailEvent[] {
  const base = {
    specversion: '1.0' as const,
    source,
    ftprocess: source === 'shop' ? 'order' : 'payment',
    ftinstance: instance,
  };
  return [
    {
      ...base,
      id: `${instance}-1`,
      type: 'flowtrail.process.started',
      time: '2024-01-01T10:00:00+01:00',
      data: { businessKeys: keys, attributes: { amount: 10 } },
      ...extra,
    },
    {
      ...base,
      id: `${instance}-2`,
      type: 'flowtrail.step.started',
      ftstep: 'pack',
      ftowner: 'ann',
      time: '2024-01-01T10:05:00+01:00',
      data: {},
    },
    {
      ...base,
      id: `${instance}-3`,
      type: 'flowtrail.step.completed',
      ftstep: 'pack',
      ftowner: 'ann',
      time: '2024-01-01T10:15:00+01:00',
      data: { attributes: { boxes: 2 } },
    },
    {
      ...base,
      id: `${instance}-4`,
      type: 'com.acme.parcel.handed-over',
      time: '2024-01-01T11:00:00Z',
      data: { attributes: { boxes: 2.5 } },
    },
  ];
}

describe('OCEL writer', () => {
  it('writes instances, business-key objects and qualified relationships', () => {
    const order = instanceEvents('o-1', 'shop', { orderId: '4711', customerId: 'c-9' });
    const payment = instanceEvents('p-1', 'billing', { orderId: '4711' }).map((e) =>
      e.type === 'flowtrail.process.started'
        ? {
            ...e,
            data: { ...e.data, parent: { source: 'shop', process: 'order', instance: 'o-1' } },
          }
        : e,
    );
    const log = buildOcel([order, payment]);
    expect(structuralProblems(log)).toEqual([]);
    expect(log.objectTypes.map((t) => t.name).sort()).toEqual([
      'customerId',
      'order',
      'orderId',
      'payment',
    ]);
    expect(log.objects.find((o) => o.id === 'billing/payment/p-1')).toEqual({
      id: 'billing/payment/p-1',
      type: 'payment',
      attributes: [
        { name: 'source', value: 'billing', time: '2024-01-01T09:00:00.000Z' },
        { name: 'status', value: 'running', time: '2024-01-01T11:00:00.000Z' },
        { name: 'owner', value: 'ann', time: '2024-01-01T11:00:00.000Z' },
        { name: 'amount', value: 10, time: '2024-01-01T09:00:00.000Z' },
      ],
      relationships: [
        { objectId: 'orderId:4711', qualifier: 'orderId' },
        { objectId: 'shop/order/o-1', qualifier: 'parent' },
      ],
    });
    expect(log.events.map((e) => e.type)).toEqual([
      'pack (start)',
      'pack',
      'com.acme.parcel.handed-over',
      'pack (start)',
      'pack',
      'com.acme.parcel.handed-over',
    ]);
    expect(log.events[1]).toEqual({
      id: 'o-1-3',
      type: 'pack',
      time: '2024-01-01T09:15:00.000Z',
      attributes: [
        { name: 'lifecycle', value: 'complete' },
        { name: 'source', value: 'shop' },
        { name: 'resource', value: 'ann' },
        { name: 'boxes', value: 2 },
      ],
      relationships: [
        { objectId: 'shop/order/o-1', qualifier: 'instance' },
        { objectId: 'customerId:c-9', qualifier: 'customerId' },
        { objectId: 'orderId:4711', qualifier: 'orderId' },
      ],
    });
    // boxes is an integer on `pack` and a float on the custom event: declared per event type.
    expect(
      log.eventTypes.find((t) => t.name === 'com.acme.parcel.handed-over')!.attributes,
    ).toContainEqual({ name: 'boxes', type: 'float' });
  });

  it('declares mixed kinds as string and converts the values', () => {
    const a = instanceEvents('o-1', 'shop', {}, {});
    const b = instanceEvents('o-2', 'shop', {}).map((e) =>
      e.type === 'flowtrail.process.started'
        ? { ...e, data: { attributes: { amount: 'ten' } } }
        : e,
    );
    const log = buildOcel([a, b]);
    expect(structuralProblems(log)).toEqual([]);
    expect(log.objectTypes.find((t) => t.name === 'order')!.attributes).toContainEqual({
      name: 'amount',
      type: 'string',
    });
    expect(log.objects[0]!.attributes.find((x) => x.name === 'amount')!.value).toBe('10');
  });

  it('exports a whole imported log (receipt.xes) as a structurally valid OCEL 2.0 log', async () => {
    const original = await collect(readEventLog(logFile('receipt.xes')));
    const flat = original.cases.flatMap((c) => toFlowtrailEvents(c, { logName: original.name }));
    const log = await writeOcel(flat);
    expect(structuralProblems(log)).toEqual([]);
    expect(log.objects).toHaveLength(1434);
    expect(log.events).toHaveLength(8577);
    expect(log.eventTypes).toHaveLength(27);
    expect(log.objectTypes.map((t) => t.name)).toEqual([original.name]);
  });
});
