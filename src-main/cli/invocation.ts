import { basename, relative } from 'node:path';

/**
 * The command a user can paste to run Relabel again, for the `Next:` hints: `npx relabel` when npm started us
 * (npx, npm exec, npm run setup: npx finds the project's own bin), `relabel` when an installed bin on the PATH
 * did, `node bin/relabel.mjs` when the user ran the script directly.
 */
export function invokedAs(
  env: NodeJS.ProcessEnv = process.env,
  script: string | undefined = process.argv[1],
  cwd: string = process.cwd(),
): string {
  if (env.npm_command) return 'npx relabel';
  if (script && basename(script) === 'relabel') return 'relabel';
  if (script && basename(script) === 'relabel.mjs') return `node ${relative(cwd, script) || script}`;
  return 'npx relabel';
}

/** A hint line such as `Next: npx relabel issues --project p.relabel`, quoting paths that need it. */
export function nextHint(args: string[], lead = 'Next:'): string {
  return `${lead} ${invokedAs()} ${args.map(shellQuote).join(' ')}\n`;
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
