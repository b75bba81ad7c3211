import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutsideRootsError, PathRoots } from '../../src-main/core/path-roots';
import { tempDir } from '../helpers/tmp';

/** root/ (allowed) with data, a link inside and links leading out; outside/ beside it. */
function layout() {
  const base = tempDir();
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'data', 'train_img'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'data', 'label_train.txt'), '0\n');
  writeFileSync(join(outside, 'secret.txt'), 'secret\n');
  symlinkSync(join(root, 'data'), join(root, 'link-inside'));
  symlinkSync(outside, join(root, 'link-out'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'data', 'labels-out.txt'));
  return { base, root, outside };
}

async function refusedMessage(roots: PathRoots, path: string): Promise<string> {
  const e = await roots.confine(path, 'dataset').then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, path).toBeInstanceOf(OutsideRootsError);
  return (e as Error).message;
}

describe('PathRoots', () => {
  it('accepts paths under a root, existing or to be created, however spelled', async () => {
    const { root } = layout();
    const roots = await PathRoots.open([root]);
    for (const p of [
      root,
      join(root, 'data'),
      join(root, 'data', 'label_train.txt'),
      join(root, 'data', 'train_img', '..', 'label_train.txt'),
      join(root, 'link-inside', 'label_train.txt'),
      join(root, 'export', 'new', 'deeper'),
    ]) {
      expect(await roots.confine(p, 'dataset'), p).toMatch(new RegExp(`^${roots.dirs[0]}`));
    }
  });

  it('refuses `..`, absolute paths, symlinks leading out and new folders below such links', async () => {
    const { root, outside } = layout();
    const roots = await PathRoots.open([root]);
    const cases = [
      join(root, '..', 'outside', 'secret.txt'),
      join(root, 'data', '..', '..', 'outside'),
      outside,
      '/etc/passwd',
      '/',
      join(root, 'link-out'),
      join(root, 'link-out', 'secret.txt'),
      join(root, 'data', 'labels-out.txt'),
      join(root, 'link-out', 'new-export-folder'),
      join(root, 'nul\0byte'),
    ];
    const messages = [];
    for (const p of cases) messages.push(await refusedMessage(roots, p));
    // The message names the path as given, never where a link leads, and does not say whether it exists.
    for (const m of messages) expect(m).not.toContain('secret.txt ->');
    expect(messages[3]).toMatch(/^dataset \/etc\/passwd is outside the folders this server may use \(/);
    expect(await refusedMessage(roots, '/etc/no-such-file')).toBe(
      messages[3].replace('/etc/passwd', '/etc/no-such-file'),
    );
    expect(messages[6]).not.toContain(outside);
  });

  it('several roots, and a root that is itself a link', async () => {
    const { base, root, outside } = layout();
    symlinkSync(outside, join(base, 'outside-link'));
    const roots = await PathRoots.open([root, join(base, 'outside-link')]);
    expect(roots.dirs).toHaveLength(2);
    await roots.confine(join(outside, 'secret.txt'), 'labels');
    await roots.confine(join(root, 'link-out', 'secret.txt'), 'labels');
    await expect(PathRoots.open([join(base, 'missing')])).rejects.toThrow(/is not an existing folder/);
    await expect(PathRoots.open([join(root, 'data', 'label_train.txt')])).rejects.toThrow(
      /not an existing folder/,
    );
  });
});
