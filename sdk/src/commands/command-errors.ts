/**
 * Errors of the command handling (`handleCommands`). Like every SDK error they reach
 * `onError`, never business code, and carry `retriable`.
 */
import { FlowtrailError } from '../errors.ts';

/**
 * Your handler threw or rejected. The command is not acknowledged (HTTP: delivered again
 * after its lease) or retried in-process (Kafka), so `retriable` is true.
 */
export class CommandHandlerError extends FlowtrailError {
  readonly commandId: string;

  constructor(commandId: string, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`command handler failed for command ${commandId}: ${why}`, {
      code: 'command-handler',
      retriable: true,
      cause,
    });
    this.commandId = commandId;
  }
}

/** A command addressed to this system broke the command contract; it is skipped. */
export class InvalidCommandError extends FlowtrailError {
  readonly errors: string[];

  constructor(errors: string[]) {
    super(`invalid command skipped: ${errors.join('; ')}`, {
      code: 'invalid-command',
      retriable: false,
    });
    this.errors = errors;
  }
}
