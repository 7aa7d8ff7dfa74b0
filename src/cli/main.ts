import { Command, CommanderError } from 'commander';
import { loadConfig } from '../config/load.ts';
import { ConfigError, ValidationError, describeError, toBatonError } from '../domain/errors.ts';
import { startService } from '../main.ts';
import { registerLeadsCommands } from './commands/leads.ts';
import { registerEvalCommand } from './commands/eval.ts';
import { registerQualifyCommand } from './commands/qualify.ts';
import { registerMailCommands } from './commands/mail.ts';
import { registerSimulateCommand } from './commands/simulate.ts';
import { registerSequenceCommands } from './commands/sequences.ts';
import { registerReportCommands } from './commands/report.ts';
import { registerKbCommands } from './commands/kb.ts';

/** Exit codes of every `baton` command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3 } as const;

/** Raised by a command to end with a given exit code after it has printed its own report. */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function buildProgram(): Command {
  const program = new Command('baton')
    .description('Baton, the open-source AI SDR: lead intake, qualification, sequences and human approval.')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('run the service (HTTP API and workers) on the configured database; embedded defaults need no configuration')
    .action(async () => {
      const service = await startService(loadConfig());
      await new Promise<void>((resolveStop) => {
        const onSignal = (signal: NodeJS.Signals) => {
          const timer = setTimeout(() => {
            service.baton.logger.error({ signal }, 'graceful shutdown timed out; exiting');
            process.exit(EXIT.failed);
          }, service.baton.config.BATON_SHUTDOWN_TIMEOUT_MS);
          timer.unref();
          service.stop(signal).then(resolveStop, (e: unknown) => {
            service.baton.logger.error({ err: toBatonError(e) }, 'shutdown failed');
            process.exitCode = EXIT.failed;
            resolveStop();
          });
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      });
    });

  // Further commands register here.
  registerMailCommands(program);
  registerSequenceCommands(program);
  registerLeadsCommands(program);
  registerEvalCommand(program);
  registerQualifyCommand(program);
  registerSimulateCommand(program);
  registerReportCommands(program);
  registerKbCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof ExitCode) {
      process.exitCode = e.code;
    } else if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else {
      console.error(`baton: ${describeError(e)}`);
      // Exit 2 means "the command was asked wrongly": bad arguments, input or configuration.
      // Anything else that stops a command (not found, suppressed, a fault) is a failure.
      process.exitCode = e instanceof ValidationError || e instanceof ConfigError ? EXIT.usage : EXIT.failed;
    }
  }
}
