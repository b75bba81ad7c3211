import { InvalidArgumentError } from 'commander';
import type { NumericLimit } from '../../src-shared/train-config';

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
