import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { relabel } from '../helpers/run-cli';
import { makeProject } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';

describe('relabel export', () => {
  it('refuses to replace a file it did not write with one clear line; --force keeps it as a backup', () => {
    const dir = tempDir();
    makeProject(dir, [0, 1, 1]).close();
    const project = join(dir, 'p.relabel');
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'label_train.txt'), 'original\n');

    const refused = relabel(['export', '--project', project, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^relabel: .*out already holds label_train\.txt, not written by an earlier Relabel export\. .*\(--force replaces them\)\n$/,
    );
    expect(readdirSync(out)).toEqual(['label_train.txt']);

    const forced = relabel(['export', '--project', project, '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/^Kept the previous files as .*label_train\.txt\.bak-\d{8}T\d{6}Z\n/);
    const backup = readdirSync(out).find((f) => f.startsWith('label_train.txt.bak-'))!;
    expect(readFileSync(join(out, backup), 'utf8')).toBe('original\n');
    expect(readFileSync(join(out, 'label_train.txt'), 'utf8')).toBe('0\n1\n1\n');

    // The next export replaces its own files without --force.
    expect(relabel(['export', '--project', project, '--out', out]).code).toBe(0);
  });
});
