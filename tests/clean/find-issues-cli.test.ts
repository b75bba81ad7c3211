import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register, runFindIssues } from '../../src-main/cli/commands/find-issues';
import { tempDir } from '../helpers/tmp';
import { FMNIST_DIR, readNumbers } from './fixtures';

function capture(opts: Parameters<typeof runFindIssues>[0]): string {
  let out = '';
  runFindIssues(opts, (text) => (out += text));
  return out;
}

describe('relabel find-issues', () => {
  const csv = join(FMNIST_DIR, 'pred_probs.csv');

  it('prints cleanlab-ranked row indices by default', () => {
    const lines = capture({ predProbs: csv }).trimEnd().split('\n').map(Number);
    expect(lines).toEqual(readNumbers('prune_by_noise_rate__self_confidence.txt'));
  });

  it('--filter-by, --ranked-by and --ranked-by none', () => {
    const both = capture({ predProbs: csv, filterBy: 'both', rankedBy: 'normalized_margin' });
    expect(both.trimEnd().split('\n').map(Number)).toEqual(readNumbers('both__normalized_margin.txt'));
    const none = capture({ predProbs: csv, filterBy: 'confident_learning', rankedBy: 'none' });
    expect(none.trimEnd().split('\n').map(Number)).toEqual(readNumbers('confident_learning__unranked.txt'));
  });

  it('--scores prints one round-trip score per row', () => {
    const out = capture({ predProbs: csv, scores: 'self_confidence' }).trimEnd().split('\n');
    expect(out.map(Number)).toEqual(readNumbers('label_quality_self_confidence.txt'));
  });

  it('--json prints { index, given, suggested, score } in rank order', () => {
    const small = join(tempDir(), 'small.csv');
    writeFileSync(small, 'label,p0,p1\n0,0.9,0.1\n0,0.8,0.2\n0,0.3,0.7\n1,0.2,0.8\n1,0.1,0.9\n1,0.6,0.4\n');
    const records = JSON.parse(capture({ predProbs: small, filterBy: 'predicted_neq_given', json: true }));
    expect(records).toEqual([
      { index: 2, given: 0, suggested: 1, score: 0.3 },
      { index: 5, given: 1, suggested: 0, score: 0.4 },
    ]);
    expect(JSON.parse(capture({ predProbs: small, scores: 'normalized_margin', json: true }))).toHaveLength(
      6,
    );
    expect(capture({ predProbs: small, filterBy: 'prune_by_noise_rate', fracNoise: '0' })).toBe('');
  });

  it('bad options and files give one-line errors', () => {
    expect(() => capture({ predProbs: csv, filterBy: 'x' })).toThrow(
      '--filter-by must be one of prune_by_noise_rate',
    );
    expect(() => capture({ predProbs: csv, rankedBy: 'x' })).toThrow('--ranked-by must be one of');
    expect(() => capture({ predProbs: csv, scores: 'none' })).toThrow('--scores must be one of');
    expect(() => capture({ predProbs: csv, fracNoise: 'lots' })).toThrow(
      "--frac-noise must be a number in [0, 1]; got 'lots'",
    );
    expect(() => capture({ predProbs: join(tempDir(), 'nope.csv') })).toThrow('cannot read');
  });

  it('registers the command with its options', () => {
    const program = new Command();
    register(program);
    const cmd = program.commands.find((c) => c.name() === 'find-issues');
    expect(cmd?.options.map((o) => o.long)).toEqual([
      '--pred-probs',
      '--filter-by',
      '--ranked-by',
      '--frac-noise',
      '--scores',
      '--json',
      '--max-classes',
    ]);
  });
});
