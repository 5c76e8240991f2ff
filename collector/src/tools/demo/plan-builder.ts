/**
 * Builds the action list of one demo plan on a simulated timeline: a cursor that starts
 * at 0 and advances by random durations (scaled: see `scale`), then `finish` shifts the
 * whole timeline to real instants. Pure.
 */
import type { Random } from './random.ts';
import type { DemoAction, DemoOp, HandleName, PlannedRepair, SystemName } from './plan.ts';

export class PlanBuilder {
  private cursorMs = 0;
  private readonly actions: DemoAction[] = [];
  /** Set by `hold`: every later action waits for this resend command. */
  repair: PlannedRepair | undefined;

  /**
   * @param scale real milliseconds per simulated millisecond (1 = realistic durations,
   *   1/60 = one simulated minute per real second).
   */
  constructor(
    private readonly random: Random,
    private readonly scale: number,
  ) {}

  /** Advances the cursor by a random duration of `minS`..`maxS` simulated seconds. */
  wait(minS: number, maxS: number): void {
    this.cursorMs += Math.max(1, this.random.between(minS, maxS) * 1000 * this.scale);
  }

  /** The instant `seconds` simulated seconds after the cursor (for deadlines). */
  in(seconds: number): Date {
    return new Date(this.cursorMs + seconds * 1000 * this.scale);
  }

  /** Appends an action at the cursor; returns its index. */
  do(system: SystemName, handle: HandleName, op: DemoOp): number {
    const held = this.repair === undefined ? {} : { held: true as const };
    this.actions.push({ ...op, at: new Date(this.cursorMs), system, handle, ...held });
    return this.actions.length - 1;
  }

  /** From here on, actions are held until `repair`'s command arrives (once per plan). */
  hold(repair: PlannedRepair): void {
    if (this.repair !== undefined) throw new Error('a plan holds for one repair at most');
    this.repair = repair;
  }

  get holding(): boolean {
    return this.repair !== undefined;
  }

  /** Appends an action `delayS` simulated seconds after action `index` (cursor unmoved). */
  after(index: number, delayS: number, op: DemoOp): number {
    const base = this.actions[index];
    if (base === undefined) throw new RangeError(`no action ${index}`);
    const at = new Date(base.at.getTime() + Math.max(1, delayS * 1000 * this.scale));
    const held = base.held === true ? { held: true as const } : {};
    this.actions.push({ ...op, at, system: base.system, handle: base.handle, ...held });
    return this.actions.length - 1;
  }

  /**
   * Simulated length of the plan so far (the latest action that is not held: what runs
   * without a repair), in real milliseconds.
   */
  get endMs(): number {
    return Math.max(0, ...this.actions.filter((a) => !a.held).map((a) => a.at.getTime()));
  }

  /**
   * The actions sorted by time (stable, so equal times keep their causal order), with
   * every instant shifted by `originMs`, and `redeliver` references re-pointed.
   */
  finish(originMs: number): DemoAction[] {
    const order = this.actions.map((action, index) => ({ action, index }));
    order.sort((a, b) => a.action.at.getTime() - b.action.at.getTime() || a.index - b.index);
    const newIndex = new Map(order.map(({ index }, position) => [index, position]));
    const shift = (d: Date): Date => new Date(d.getTime() + originMs);
    return order.map(({ action }): DemoAction => {
      const shifted = { ...action, at: shift(action.at) };
      if ('deadline' in shifted && shifted.deadline !== undefined) {
        shifted.deadline = shift(shifted.deadline);
      }
      if (shifted.op === 'redeliver') shifted.of = newIndex.get(shifted.of) ?? shifted.of;
      return shifted;
    });
  }
}
