/**
 * Each name list and limit is defined once (src-shared) and derived everywhere else. These tests walk every name
 * and every limit through each place that must know it — the API schema, the engine, the CLI — so a name or a
 * limit that one of them does not follow fails here.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES, apiInputs, MEDIA_KINDS, type ApiErrorCode } from '../../src-shared/api';
import {
  BACKEND_CHOICES,
  DECISION_ACTIONS,
  FILTER_BY_METHODS,
  finalLabelOf,
  MODEL_NAMES,
  RANKED_BY_METHODS,
} from '../../src-shared/domain';
import { TRAIN_LIMITS, trainOverridesSchema, type NumericTrainOption } from '../../src-shared/train-config';
import { findLabelIssues, getLabelQualityScores } from '../../src-main/core/clean';
import { defaultTrainConfig, validateTrainConfig } from '../../src-main/core/train';
import { httpStatusOf } from '../../src-main/transport/dispatch';
import { isServiceError } from '../../src-main/transport/service-port';
import { isMediaKind } from '../../src-main/transport/media-request';
import { ServiceError } from '../../src-main/core/service';
import { addTrainOptions, trainConfigFrom } from '../../src-main/cli/train-options';
import { buildProgram } from '../../src-main/cli';

/** Parses `args` with the train command's options; returns the overrides or the error message. */
function cliTrain(args: string[]): Record<string, unknown> | string {
  const cmd = addTrainOptions(new Command('train').exitOverride().configureOutput({ writeErr: () => {} }));
  let opts: Record<string, unknown> = {};
  cmd.action((o: Record<string, unknown>) => void (opts = o));
  try {
    cmd.parse(args, { from: 'user' });
  } catch (e) {
    return (e as Error).message;
  }
  return trainConfigFrom(opts);
}

const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** A small but valid cleanlab input: two classes, a few confidently wrong labels. */
function smallProblem() {
  const n = 40;
  const labels = Int32Array.from({ length: n }, (_, i) => (i < 20 ? 0 : 1));
  const probs = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const p1 = i < 20 ? (i < 3 ? 0.9 : 0.1 + i / 400) : i >= 37 ? 0.15 : 0.85 - i / 400;
    probs[2 * i] = 1 - p1;
    probs[2 * i + 1] = p1;
  }
  return { labels, probs };
}

describe('method names: one tuple for the contract, the engine and the CLI', () => {
  const { labels, probs } = smallProblem();
  const issuesHelp = buildProgram()
    .commands.find((c) => c.name() === 'issues')!
    .helpInformation();

  it.each(FILTER_BY_METHODS.flatMap((f) => RANKED_BY_METHODS.map((r) => [f, r] as const)))(
    'filter %s ranked by %s: the schema accepts it, the engine runs it, the CLI offers it',
    (filterBy, rankedBy) => {
      expect(apiInputs.computeIssues.safeParse({ filterBy, rankedBy }).success).toBe(true);
      expect(() => findLabelIssues(labels, probs, 2, { filterBy, rankedBy })).not.toThrow();
      expect(getLabelQualityScores(labels, probs, 2, rankedBy)).toHaveLength(labels.length);
      expect(issuesHelp).toContain(filterBy);
      expect(issuesHelp).toContain(rankedBy);
    },
  );

  it('refuses a name outside the tuples everywhere', () => {
    expect(apiInputs.computeIssues.safeParse({ filterBy: 'prune_by_magic' }).success).toBe(false);
    expect(() => findLabelIssues(labels, probs, 2, { filterBy: 'prune_by_magic' as never })).toThrow(
      /unknown filterBy/,
    );
  });

  it.each(MODEL_NAMES.flatMap((m) => BACKEND_CHOICES.map((b) => [m, b] as const)))(
    'model %s on backend %s: the schema, the engine check and the CLI agree',
    (model, backend) => {
      expect(trainOverridesSchema.safeParse({ model, backend }).success).toBe(true);
      expect(() => validateTrainConfig({ ...defaultTrainConfig(), model, backend })).not.toThrow();
      expect(cliTrain(['--model', model, '--backend', backend])).toEqual({ model, backend });
    },
  );
});

describe('training limits: one table for the contract, the engine and the CLI', () => {
  const keys = Object.keys(TRAIN_LIMITS) as NumericTrainOption[];

  it('the defaults are within the limits', () => {
    expect(() => validateTrainConfig(defaultTrainConfig())).not.toThrow();
  });

  it.each(keys)('%s: every place accepts the bounds and refuses just beyond them', (key) => {
    const { min, max, integer } = TRAIN_LIMITS[key];
    const step = integer ? 1 : Math.max(1e-9, (max - min) * 1e-6);
    for (const value of [min, max]) {
      expect(trainOverridesSchema.safeParse({ [key]: value }).success, `schema ${key}=${value}`).toBe(true);
      expect(() => validateTrainConfig({ ...defaultTrainConfig(), [key]: value })).not.toThrow();
      expect(cliTrain([flagOf(key), String(value)])).toEqual({ [key]: value });
    }
    for (const value of [min - step, max + step]) {
      expect(trainOverridesSchema.safeParse({ [key]: value }).success, `schema ${key}=${value}`).toBe(false);
      expect(() => validateTrainConfig({ ...defaultTrainConfig(), [key]: value })).toThrow(
        new RegExp(`invalid training config: ${key}`),
      );
      expect(cliTrain([flagOf(key), String(value)])).toMatch(new RegExp(flagOf(key)));
    }
    if (integer) {
      expect(trainOverridesSchema.safeParse({ [key]: min + 0.5 }).success).toBe(false);
      expect(cliTrain([flagOf(key), String(min + 0.5)])).toMatch(/must be an integer/);
    }
  });

  it('the engine knows exactly the options the schema knows', () => {
    expect(Object.keys(defaultTrainConfig()).sort()).toEqual(Object.keys(trainOverridesSchema.shape).sort());
  });
});

describe('error codes and media kinds: one list for every transport', () => {
  it.each(API_ERROR_CODES)('%s has an HTTP status and is recognised as a service error', (code) => {
    const status = httpStatusOf(code as ApiErrorCode);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(isServiceError(new ServiceError(code as ApiErrorCode, 'x'))).toBe(true);
  });

  it.each(MEDIA_KINDS)('media kind %s is parsed by the media routes', (kind) => {
    expect(isMediaKind(kind)).toBe(true);
  });
});

describe('finalLabelOf: the one final-label rule', () => {
  it.each(DECISION_ACTIONS)('%s', (action) => {
    const expected = { keep: 3, relabel: 5, exclude: null }[action];
    expect(finalLabelOf(action, action === 'relabel' ? 5 : null, 3)).toBe(expected);
  });

  it('a relabel without a new label is an error, not a silent keep', () => {
    expect(() => finalLabelOf('relabel', null, 3)).toThrow(/new label/);
  });
});
