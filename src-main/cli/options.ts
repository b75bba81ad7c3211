import { InvalidArgumentError } from 'commander';

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
