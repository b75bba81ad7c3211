import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register as registerDemo } from '../../src-main/cli/commands/demo';
import { register as registerImport } from '../../src-main/cli/commands/import';
import { Project } from '../../src-main/core/store/project';
import { tempDir } from '../helpers/tmp';

async function run(...argv: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerDemo(program);
  registerImport(program);
  for (const c of program.commands) c.exitOverride();
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('relabel demo / import', () => {
  it('writes a demo dataset and imports it into a new project', async () => {
    const dir = tempDir();
    const data = join(dir, 'demo');
    const out = await run(
      'demo',
      data,
      '--count',
      '40',
      '--noise',
      '0.25',
      '--seed',
      '4',
      '--source',
      'procedural',
      '--size',
      '32',
    );
    expect(out).toMatch(/Wrote 40 drawn images/);
    expect(out).toMatch(/10 labels flipped/);
    const project = join(dir, 'p.relabel');
    const imported = await run('import', data, '--project', project);
    expect(imported).toMatch(/Imported 40 images \(seed\)/);
    expect(imported).toMatch(/model input 32x32x3/);
    const p = Project.open(project, { readonly: true });
    expect(p.getSamples()).toHaveLength(40);
    p.close();
  });

  it('lists skipped images, and removes a project it created when the import fails', async () => {
    const dir = tempDir();
    const data = join(dir, 'demo');
    await run('demo', data, '--count', '12', '--source', 'procedural', '--size', '16');
    writeFileSync(join(data, 'train_img', '000003.jpg'), 'broken');
    const project = join(dir, 'p.relabel');
    await expect(run('import', data, '--project', project)).rejects.toThrow(/bad image .*000003\.jpg/);
    expect(existsSync(project)).toBe(false);
    const out = await run(
      'import',
      data,
      '--project',
      project,
      '--on-bad-image',
      'skip',
      '--input-size',
      '8',
      '--channels',
      '1',
    );
    expect(out).toMatch(/model input 8x8x1/);
    expect(out).toMatch(/1 unusable images kept at their label line.*\n +#2 000003\.jpg: not an image/);
    await expect(run('import', data, '--project', project, '--on-bad-image', 'maybe')).rejects.toThrow(
      /--on-bad-image must be one of skip, stop/,
    );
    // The existing project survives a failed import.
    writeFileSync(join(data, 'label_train.txt'), '0\n');
    await expect(run('import', data, '--project', project)).rejects.toThrow(
      /has 1 labels but .* has 12 images/,
    );
    expect(existsSync(project)).toBe(true);
  });
});
