import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Project } from '../../src-main/core/store/project';
import { relabel } from '../helpers/run-cli';
import { tempDir } from '../helpers/tmp';

const guard = fileURLToPath(new URL('../helpers/no-network.mjs', import.meta.url));

/**
 * The pretrained model through the real CLI, with every process (the CLI and its embedding and
 * logistic-regression workers) refusing network access: train, then issues alone and averaged with a baseline
 * run. (Review → retrain → export of a pretrained run: e2e/pretrained.browser.spec.ts.)
 */
describe('relabel train --model pretrained', () => {
  it('runs offline: train on the same folds as the CNNs, issues alone and averaged (--runs)', () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const project = join(dir, 'p.relabel');
    const attempts = join(dir, 'network.log');
    const env = { NODE_OPTIONS: `--import=${guard}`, RELABEL_NETWORK_LOG: attempts };
    const run = (args: string[]) => {
      const r = relabel(args, { env });
      expect(r.code, `relabel ${args.join(' ')}\n${r.stderr}`).toBe(0);
      return r;
    };
    run(['demo', data, '--count', '100', '--size', '32', '--seed', '5', '--source', 'procedural']);
    run(['import', data, '--project', project]);

    const train = run([
      'train',
      '--project',
      project,
      '--model',
      'pretrained',
      '--folds',
      '3',
      '--workers',
      '2',
      // Small inputs keep the test quick (the default for 100 images is 160 px).
      '--backbone-size',
      '64',
    ]);
    expect(train.stdout).toMatch(/Run #1 done on wasm/);
    expect(train.stdout).toMatch(/label issues among 100 images/);
    const baseline = run([
      'train',
      '--project',
      project,
      '--model',
      'baseline',
      '--folds',
      '3',
      '--epochs',
      '1',
    ]);
    expect(baseline.stdout).toMatch(/Run #2 done/);
    const issues = run(['issues', '--project', project, '--runs', '1,2', '--out', join(dir, 'issues.csv')]);
    expect(issues.stdout).toMatch(/on the average of runs #1, #2/);

    const p = Project.open(project, { readonly: true });
    try {
      const cv = p.runs.get(1)!;
      expect(cv.config).toMatchObject({
        model: 'pretrained',
        classWeights: false,
        backbone: { inputSize: 64 },
      });
      expect(cv.notes.join('\n')).toMatch(
        /backbone: mobilenet_v2_140 \(MobilenetV2\/Conv_1\/Relu6, 64 px\), 1792 features/,
      );
      expect(cv.notes.filter((n) => /^fold \d: C = /.test(n))).toHaveLength(3);
      // The same folds as the CNN: fold f holds the same images in both runs.
      const same = p.runs
        .folds(1)
        .map(
          (f, i) => Array.from(f.testIndices).join() === Array.from(p.runs.folds(2)[i].testIndices).join(),
        );
      expect(same).toEqual([true, true, true]);
      expect(p.embeddings.bytes()).toBe(100 * 1792 * 2);
      const set = p.issues.latest()!;
      expect(set.runIds).toEqual([1, 2]);
      expect(set.count).toBeGreaterThan(0);
    } finally {
      p.close();
    }

    expect(existsSync(attempts) ? readFileSync(attempts, 'utf8') : '').toBe('');
    // The guard was active in these processes: a network attempt under it is refused and logged.
    const probe = spawnSync(process.execPath, ['-e', "require('node:net').connect(80, 'example.com')"], {
      env: { ...process.env, ...env },
    });
    expect(probe.status).not.toBe(0);
    expect(readFileSync(attempts, 'utf8')).toMatch(/net\.connect/);
  }, 300_000);
});
