import { describe, expect, it } from 'vitest';
import { familiesOf, parentKeyOf } from '../../src/domain/detection/family.ts';
import { order, payment, Inst } from './consistency-fixtures.ts';

describe('familiesOf', () => {
  const o1 = order().start(0);
  const p1 = payment().start(1, order().link('x-1'));
  const p2 = payment('p-2').start(2, order().link());
  const s1 = new Inst('shipping', 'shipment', 's-1').start(3, order().link());
  const ghostChild = payment('p-9').start(4, order('o-9').link('x-9'));
  const states = [s1, p2, ghostChild, o1, p1].map((i) => i.state());

  it('one family per instance, with the children that point at it', () => {
    const families = familiesOf(states);
    const o = families.find((f) => f.key === o1.key);
    expect(o?.parent?.key).toBe(o1.key);
    expect(o?.children.map((c) => c.key)).toEqual([p1.key, p2.key, s1.key].sort());
    expect(families.find((f) => f.key === p1.key)?.children).toEqual([]);
  });

  it('one family per unknown parent, without a parent state', () => {
    const ghost = familiesOf(states).find((f) => f.key === 'shop/order/o-9');
    expect(ghost).toMatchObject({ ref: { source: 'shop', process: 'order', instance: 'o-9' } });
    expect(ghost?.parent).toBeUndefined();
    expect(ghost?.children.map((c) => c.key)).toEqual([ghostChild.key]);
  });

  it('every instance is the parent of exactly one family; order does not matter', () => {
    const families = familiesOf(states);
    const parents = families.flatMap((f) => (f.parent ? [f.parent.key] : []));
    expect(parents.sort()).toEqual(states.map((s) => s.key).sort());
    expect(familiesOf([...states].reverse())).toEqual(families);
    expect(familiesOf([...states, ...states])).toEqual(families);
  });

  it('a link to itself is not a family relation', () => {
    const self = order('o-5').start(0, order('o-5').link());
    const [family] = familiesOf([self.state()]);
    expect(family?.children).toEqual([]);
    expect(parentKeyOf(self.state())).toBe('shop/order/o-5');
  });
});
