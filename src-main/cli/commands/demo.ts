import type { Command } from 'commander';
import { nextHint } from '../invocation';
import { writeDemoDataset, type DemoSource } from '../../core/dataset/demo';
import { choiceOption, intOption, numberOption } from '../options';
import { createProgress } from '../progress';
import { out } from '../terminal';

interface DemoCliOptions {
  size: number;
  noise: number;
  seed: number;
  count: number;
  source: DemoSource;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('Write a small labelled demo dataset with known label noise (seed format)')
    .argument(
      '<out-dir>',
      'new or empty folder to write train_img/, label_train.txt, noise_truth.txt, README.txt into',
    )
    .option('--size <px>', 'image side in pixels (16-256)', intOption('--size', 16), 64)
    .option(
      '--noise <fraction>',
      'fraction of labels flipped (0 ≤ noise < 1)',
      numberOption('--noise', 0, 0.99),
      0.1,
    )
    .option('--seed <n>', 'random seed (same seed, same files)', intOption('--seed', 0), 1)
    .option('--count <n>', 'number of images', intOption('--count', 10), 2000)
    .option(
      '--source <kind>',
      'auto (Fashion-MNIST when installed, else drawn faces), procedural or fashion-mnist',
      choiceOption('--source', ['auto', 'procedural', 'fashion-mnist'] as const),
      'auto',
    )
    .action(async (outDir: string, opts: DemoCliOptions) => {
      const progress = createProgress('demo', opts.count);
      const r = await writeDemoDataset(outDir, { ...opts, onProgress: (done) => progress.tick(done) });
      progress.done();
      const n0 = r.cleanLabels.filter((l) => l === 0).length;
      out(
        `Wrote ${r.count} ${r.source === 'fashion-mnist' ? 'Fashion-MNIST' : 'drawn'} images to ${r.outDir}\n` +
          `  class 0 = ${r.classNames[0]} (${n0}), class 1 = ${r.classNames[1]} (${r.count - n0}); ` +
          `${r.flipped.length} labels flipped (listed in noise_truth.txt)\n` +
          nextHint(['import', r.outDir, '--project', 'demo.relabel']),
      );
    });
}
