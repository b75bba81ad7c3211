import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_LIMITS, type DataLimits } from '../core/limits';

/** commander argument parsers with messages that name the option. */
export const intOption =
  (name: string, min = 1) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${v}"`);
    return n;
  };

export const numberOption = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}], got "${v}"`);
  }
  return n;
};

export const choiceOption =
  <T extends string>(name: string, choices: readonly T[]) =>
  (v: string): T => {
    if (!(choices as readonly string[]).includes(v)) {
      throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}, got "${v}"`);
    }
    return v as T;
  };

/** `--max-classes` and `--max-file-mb`, for the commands that read datasets (import, serve). */
export function addLimitOptions(cmd: Command): Command {
  return cmd
    .option(
      '--max-classes <n>',
      `most classes a dataset may have (default ${DEFAULT_LIMITS.maxClasses.toLocaleString('en-US')})`,
      intOption('--max-classes', 2),
    )
    .option(
      '--max-file-mb <mb>',
      `largest label file, CSV or IDX file read, in MB (default ${DEFAULT_LIMITS.maxFileBytes / 1024 ** 2})`,
      intOption('--max-file-mb', 1),
    );
}

export function limitsFrom(opts: { maxClasses?: number; maxFileMb?: number }): DataLimits {
  return {
    maxClasses: opts.maxClasses ?? DEFAULT_LIMITS.maxClasses,
    maxFileBytes: opts.maxFileMb !== undefined ? opts.maxFileMb * 1024 ** 2 : DEFAULT_LIMITS.maxFileBytes,
  };
}
