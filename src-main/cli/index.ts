import { Command, CommanderError } from 'commander';
import { register as registerDemo } from './commands/demo';
import { register as registerImport } from './commands/import';
import { register as registerInfo } from './commands/info';
import { register as registerExport } from './commands/export';
import { register as registerFindIssues } from './commands/find-issues';
import { register as registerTrain } from './commands/train';
import { register as registerIssues } from './commands/issues';
import { register as registerRetrain } from './commands/retrain';
import { register as registerReport } from './commands/report';
import { register as registerImportProbs } from './commands/import-probs';
import { register as registerServe } from './commands/serve';
import { err } from './terminal';
import { register as registerDoctor } from './commands/doctor';

const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command()
    .name('relabel')
    .description(
      'Find and fix mislabeled images: K-fold CNN → confident learning → human review → retrain → export',
    )
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const register of [
    registerDemo,
    registerImport,
    registerInfo,
    registerTrain,
    registerIssues,
    registerFindIssues,
    registerImportProbs,
    registerServe,
    registerRetrain,
    registerReport,
    registerExport,
    registerDoctor,
  ]) {
    register(program);
  }
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI; failures print one line `relabel: <message>` and exit non-zero. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander already printed help/version/usage errors
    const message = e instanceof Error ? e.message : String(e);
    err(`relabel: ${message.split('\n')[0]}\n`);
    if (process.env.RELABEL_DEBUG && e instanceof Error) err(`${e.stack}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && /(?:[\\/]cli\.js|[\\/]cli[\\/]index\.ts)$/.test(process.argv[1]);
if (invokedDirectly || process.env.RELABEL_CLI_MAIN === '1') {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
