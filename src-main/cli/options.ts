import { InvalidArgumentError, type Command } from 'commander';
import type { NumericLimit } from '../../src-shared/train-config';
import { DEFAULT_LIMITS, type DataLimits } from '../core/limits';

/** commander argument parsers with messages that name the option. */
export const intOption =
  (name: string, min = 1, max = Number.MAX_SAFE_INTEGER) =>
  (v: string) => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`${name} must be an integer ${range}, got "${v}"`);
    }
    return n;
  };

export const numberOption = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}], got "${v}"`);
  }
  return n;
};

/** The parser for an option whose range is stated once elsewhere (e.g. TRAIN_LIMITS). */
export const limitedOption = (name: string, limit: NumericLimit) =>
  limit.integer ? intOption(name, limit.min, limit.max) : numberOption(name, limit.min, limit.max);

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
