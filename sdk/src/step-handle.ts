/**
 * One step of a process instance: `order.step('pick', { owner: 'warehouse' })`.
 * Every method emits one event and returns its id; none throws.
 */
import { EventTypes } from './protocol/event-types.ts';
import { errorInfo, toIso, type EmitOptions, type Instant } from './event-factory.ts';

/**
 * What a step needs of its process instance: the owner to fall back to and the two calls
 * its events go through. Declared here, not imported, because process-handle.ts (whose
 * ProcessHandle creates the steps) imports this file, and an import back would be a
 * cycle. process-handle.ts widens this interface to the whole ProcessHandle (module
 * augmentation there), so to users `step.process` is still the ProcessHandle.
 */
export interface StepProcess {
  readonly owner: string | undefined;
  assignOwner(owner: string, options: EmitOptions & { step?: string }): string;
  emitSpec(
    type: string,
    options: EmitOptions,
    data: () => Record<string, unknown>,
    extra: { step?: string; owner?: string },
  ): string;
}

export interface StepOptions {
  /** Owner (team or person) of this step; defaults to the instance's owner. */
  owner?: string;
}

export interface WaitingOptions extends EmitOptions {
  /** What the step waits for, e.g. `payment confirmation from psp`. */
  for: string;
  /** Until when the wait is fine; after it the collector calls the step stuck. */
  deadline?: Instant;
}

export class StepHandle {
  /** Owner stamped on this step's events (`ftowner`); changed by `assignOwner`. */
  owner: string | undefined;

  constructor(
    readonly process: StepProcess,
    readonly name: string,
    options: StepOptions = {},
  ) {
    this.owner = options.owner;
  }

  /** `flowtrail.step.started`; `deadline` (optional) is when the step should be done. */
  start(options: EmitOptions & { deadline?: Instant } = {}): string {
    return this.emit(EventTypes.stepStarted, options, () => ({
      deadline: options.deadline === undefined ? undefined : toIso(options.deadline),
    }));
  }

  /** `flowtrail.step.completed`. */
  complete(options: EmitOptions = {}): string {
    return this.emit(EventTypes.stepCompleted, options, () => ({}));
  }

  /** `flowtrail.step.failed` with `data.error` = `{message, code}` of `err`. */
  fail(err: unknown, options: EmitOptions = {}): string {
    return this.emit(EventTypes.stepFailed, options, () => ({ error: errorInfo(err) }));
  }

  /** `flowtrail.step.waiting` with `data.for` and `data.deadline`. */
  waiting(options: WaitingOptions): string {
    return this.emit(EventTypes.stepWaiting, options ?? ({} as WaitingOptions), () => ({
      for: options.for,
      deadline: options.deadline === undefined ? undefined : toIso(options.deadline),
    }));
  }

  /** `flowtrail.owner.assigned` for this step; later step events carry the new owner. */
  assignOwner(owner: string, options: EmitOptions = {}): string {
    return this.process.assignOwner(owner, { ...options, step: this.name });
  }

  private emit(type: string, options: EmitOptions, data: () => Record<string, unknown>): string {
    return this.process.emitSpec(type, options, data, {
      step: this.name,
      owner: this.owner ?? this.process.owner,
    });
  }
}
