import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classNamesArgument, parseClassNames } from '../../src-main/core/dataset/class-names';
import { listSource } from '../../src-main/core/dataset/detect-source';
import { listCsvSource } from '../../src-main/core/dataset/source-csv';
import { listSeedSource } from '../../src-main/core/dataset/source-seed';
import { tempDir } from '../helpers/tmp';
import { jpeg, writeFile } from './helpers';

async function seed(labels: number[], classesTxt?: string): Promise<{ img: string; labels: string }> {
  const dir = tempDir();
  const img = join(dir, 'train_img');
  mkdirSync(img);
  for (const i of labels.keys()) writeFile(join(img, `${String(i + 1).padStart(6, '0')}.jpg`), await jpeg(i));
  writeFileSync(join(dir, 'label_train.txt'), labels.join('\n') + '\n');
  if (classesTxt !== undefined) writeFileSync(join(dir, 'classes.txt'), classesTxt);
  return { img, labels: join(dir, 'label_train.txt') };
}

describe('class names', () => {
  it('reads classes.txt beside label_train.txt: line k names class k-1', async () => {
    const s = await seed([0, 1, 1, 0], 'hat, glasses or beard\nplain face\n');
    expect((await listSeedSource(s.img, s.labels)).classes).toEqual([
      { id: 0, name: 'hat, glasses or beard' },
      { id: 1, name: 'plain face' },
    ]);
  });

  it('names classes no image has yet when classes.txt lists them', async () => {
    const s = await seed([0, 2, 2], 'a\nb\nc\n');
    expect((await listSeedSource(s.img, s.labels)).classes.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  });

  it('refuses a label outside the named classes, naming the line', async () => {
    const s = await seed([0, 1, 7, 1], 'cat\ndog\n');
    await expect(listSeedSource(s.img, s.labels)).rejects.toThrow(
      new RegExp(`^${s.labels}:3: label 7, but .*classes\\.txt name only 2 classes \\(0–1\\)$`),
    );
  });

  it('refuses a stray label that makes empty classes, naming its line, unless allowed', async () => {
    const s = await seed([0, 1, 1, 7, 0]);
    await expect(listSeedSource(s.img, s.labels)).rejects.toThrow(
      new RegExp(
        `^${s.labels}:4: label 7 makes 8 classes, but no image has classes 2–6 \\(labels used: classes 0, 1, 7\\)\\. ` +
          'Fix the label, name the classes in classes.txt, or import with --allow-empty-classes$',
      ),
    );
    expect((await listSeedSource(s.img, s.labels, { allowEmptyClasses: true })).classes).toHaveLength(8);
  });

  it('takes --class-names as a list or a file, over classes.txt', async () => {
    const s = await seed([1, 0, 1], 'x\ny\n');
    const named = classNamesArgument('footwear,other');
    expect(
      (await listSource({ kind: 'seed', images: s.img, labels: s.labels }, { names: named.names })).classes,
    ).toEqual([
      { id: 0, name: 'footwear' },
      { id: 1, name: 'other' },
    ]);
    const file = join(tempDir(), 'names.txt');
    writeFileSync(file, 'first\nsecond\n');
    expect(classNamesArgument(file)).toEqual({ names: ['first', 'second'], source: file });
  });

  it('refuses a blank, repeated or single class name, naming the line', () => {
    expect(() => parseClassNames('a\n\nb\n', 'c.txt')).toThrow(/^c\.txt:2: blank line/);
    expect(() => parseClassNames('a\nb\na\n', 'c.txt')).toThrow(/^c\.txt:3: "a" already names class 0$/);
    expect(() => parseClassNames('only\n', 'c.txt')).toThrow(/at least 2/);
  });

  it('a CSV with named labels refuses --class-names; one with integer labels reads classes.txt', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.jpg'), 'x');
    writeFileSync(join(dir, 'b.jpg'), 'x');
    writeFileSync(join(dir, 'named.csv'), 'path,label\na.jpg,cat\nb.jpg,dog\n');
    await expect(listCsvSource(join(dir, 'named.csv'), { names: ['x', 'y'] })).rejects.toThrow(
      /does not apply/,
    );
    writeFileSync(join(dir, 'numbers.csv'), 'path,label\na.jpg,1\nb.jpg,0\n');
    writeFileSync(join(dir, 'classes.txt'), 'zero\none\n');
    expect((await listCsvSource(join(dir, 'numbers.csv'))).classes.map((c) => c.name)).toEqual([
      'zero',
      'one',
    ]);
  });
});
