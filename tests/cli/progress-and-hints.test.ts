import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src-main/cli/progress';
import { invokedAs } from '../../src-main/cli/invocation';
import type { TrainProgress } from '../../src-main/core/train';
import { trainProgressPrinter } from '../../src-main/cli/train-progress';

/** A non-TTY stream that keeps what is written. */
function plainStream() {
  const lines: string[] = [];
  const stream = {
    isTTY: false,
    write: (s: string) => (lines.push(s), true),
  } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('plain-line progress (no TTY)', () => {
  it('shows no ETA before it can be measured, then the caller’s estimate', () => {
    const { stream, lines } = plainStream();
    const p = createProgress('train', 1000, stream);
    p.tick(1000 * 0.001, 'epoch 1/15');
    expect(lines.at(-1)).toMatch(/^train: {3}0% 1\/1000 0s epoch 1\/15\n$/);
    expect(lines.join('')).not.toMatch(/ETA/);
    p.tick(1000, 'done', 0);
    expect(lines.at(-1)).not.toMatch(/ETA 0s/);
  });

  it('never prints "ETA 0s" while work remains', async () => {
    const { stream, lines } = plainStream();
    const p = createProgress('x', 100, stream);
    // Printing is throttled to every 2 s on plain streams; the first tick always prints.
    p.tick(20, undefined, 0);
    expect(lines.join('')).not.toMatch(/ETA 0s/);
  });
});

describe('training progress with folds in parallel', () => {
  it('is one bar over the whole run whose ETA is the engine’s, not a new bar per fold restarting its clock', () => {
    const { stream, lines } = plainStream();
    const print = trainProgressPrinter('train', stream);
    const event = (fold: number, done: number, eta: number | null): TrainProgress => ({
      fold,
      folds: 5,
      epoch: 2,
      epochs: 15,
      batch: 3,
      batches: 10,
      done,
      total: 750,
      modelsDone: 0,
      etaSeconds: eta,
      backend: 'wasm',
      message: '',
    });
    print(event(0, 40, 500));
    print(event(1, 41, 495));
    print(event(0, 42, 490));
    const text = lines.join('');
    expect(text).toContain('train: training on the wasm backend\n');
    // Fold switches do not start new bars: one progress line (throttled), labelled with the run, not the fold.
    const bars = lines.filter((l) => /^train: +\d+%/.test(l));
    expect(bars).toHaveLength(1);
    expect(bars[0]).toMatch(/^train: +5% 40\/750 /);
    expect(text).not.toMatch(/ETA 0s/);
  });
});

describe('Next: hints name the command the user typed', () => {
  it.each([
    [{ npm_command: 'exec' }, '/p/node_modules/.bin/relabel', 'npx relabel'],
    [{ npm_command: 'run-script' }, '/p/bin/relabel.mjs', 'npx relabel'],
    [{}, '/usr/local/bin/relabel', 'relabel'],
    [{}, '/p/bin/relabel.mjs', 'node bin/relabel.mjs'],
  ])('env %j, script %s → %s', (env, script, expected) => {
    expect(invokedAs(env as NodeJS.ProcessEnv, script, '/p')).toBe(expected);
  });
});
