import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src-main/core/export/atomic-write';
import { csvField } from '../../src-main/core/export/csv';
import { ExportRefusedError } from '../../src-main/core/export/errors';
import { EXPORT_FILES, exportLabels, MANIFEST_NAME } from '../../src-main/core/export/export';
import { makeProject, targets } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';

/** The error an export rejected with (fails the test when it resolved). */
async function refusal(p: Promise<unknown>): Promise<ExportRefusedError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ExportRefusedError);
  return e as ExportRefusedError;
}

/** Every file under `dir` with its content, to show that a refused export changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = readFileSync(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

describe('export', () => {
  it('writes label_train.txt in order with decisions applied, excluded.txt, the audit and a manifest', async () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1, 1, 0, 1]);
    p.decisions.record(targets(p, [1]), 'relabel', 0, 'alice');
    p.decisions.record(targets(p, [3]), 'exclude', null, 'bob');
    p.decisions.record(targets(p, [4]), 'keep', null, 'alice');
    const out = join(dir, 'out');
    const r = await exportLabels(p, out);
    expect(r.counts).toEqual({ total: 5, relabeled: 1, excluded: 1, kept: 1, undecided: 2 });
    expect(r.backups).toEqual([]);
    expect(readFileSync(join(out, 'label_train.txt'), 'utf8')).toBe('0\n0\n1\n0\n1\n');
    expect(readFileSync(join(out, 'excluded.txt'), 'utf8')).toBe('img3.png\n');
    const csv = readFileSync(join(out, 'decisions.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('index,file,given,final,action,annotator,time');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 6).join(','))).toEqual([
      '1,img1.png,1,0,relabel,alice',
      '3,img3.png,0,,exclude,bob',
      '4,img4.png,1,1,keep,alice',
    ]);
    const jsonText = readFileSync(join(out, 'decisions.json'), 'utf8');
    const json = JSON.parse(jsonText);
    expect(json).toHaveLength(3);
    expect(jsonText).toBe(JSON.stringify(json, null, 1) + '\n');
    expect(readdirSync(out).sort()).toEqual([...EXPORT_FILES, MANIFEST_NAME].sort());
    const manifest = JSON.parse(readFileSync(r.manifest, 'utf8'));
    expect(Object.keys(manifest.files).sort()).toEqual([...EXPORT_FILES].sort());
    expect(manifest.files['label_train.txt']).toEqual([
      { size: 10, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    p.close();
  });

  it('refuses a project without a dataset', async () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1]);
    p.db.prepare(`DELETE FROM meta WHERE key = 'dataset'`).run();
    await expect(exportLabels(p, join(dir, 'o'))).rejects.toThrow(/no dataset yet/);
    expect(existsSync(join(dir, 'o'))).toBe(false);
    p.close();
  });

  it('replaces its own earlier export in the same folder without asking', async () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1, 1]);
    const out = join(dir, 'out');
    await exportLabels(p, out);
    p.decisions.record(targets(p, [0]), 'relabel', 1, 'alice');
    const r = await exportLabels(p, out);
    expect(r.backups).toEqual([]);
    expect(readFileSync(join(out, 'label_train.txt'), 'utf8')).toBe('1\n1\n1\n');
    expect(readdirSync(out).sort()).toEqual([...EXPORT_FILES, MANIFEST_NAME].sort());
    p.close();
  });

  it("refuses to write into the folder of the dataset's source labels, however the path is spelled", async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    mkdirSync(join(data, 'train_img'), { recursive: true });
    writeFileSync(join(data, 'label_train.txt'), '0\n1\n1\n');
    symlinkSync(data, join(dir, 'link-to-data'));
    const p = makeProject(dir, [0, 1, 1], {
      root: join(data, 'train_img'),
      labelSource: join(data, 'label_train.txt'),
    });
    const before = snapshot(data);
    for (const spelled of [
      data,
      `${data}/`,
      join(data, 'train_img', '..'),
      join(dir, 'link-to-data'),
      join(data, 'train_img'),
    ]) {
      const e = await refusal(exportLabels(p, spelled));
      expect(e.reason).toBe('source_folder');
      expect(e.message).toMatch(/the dataset was imported from there.*original labels/);
    }
    // Even with force: the source labels are never replaced.
    expect((await refusal(exportLabels(p, data, { force: true }))).reason).toBe('source_folder');
    expect(snapshot(data)).toEqual(before);
    expect(readdirSync(data).sort()).toEqual(['label_train.txt', 'train_img']);
    p.close();
  });

  it('refuses the image folder of an ImageFolder dataset (no label file)', async () => {
    const dir = tempDir();
    const root = join(dir, 'classes');
    mkdirSync(join(root, 'cat'), { recursive: true });
    const p = makeProject(dir, [0, 1], { root, labelSource: null });
    expect((await refusal(exportLabels(p, root))).reason).toBe('source_folder');
    expect(readdirSync(root)).toEqual(['cat']);
    p.close();
  });

  it('refuses to replace files an earlier export did not write, then --force keeps them as backups', async () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1, 1]);
    const out = join(dir, 'other-dataset');
    mkdirSync(out);
    writeFileSync(join(out, 'label_train.txt'), 'somebody else’s labels\n');
    writeFileSync(join(out, 'decisions.csv'), 'their audit\n');
    const before = snapshot(out);
    const e = await refusal(exportLabels(p, out));
    expect(e.reason).toBe('would_overwrite');
    expect(e.files).toEqual(['label_train.txt', 'decisions.csv']);
    expect(e.message).toMatch(
      /already holds label_train\.txt, decisions\.csv, not written by an earlier Relabel export/,
    );
    expect(snapshot(out)).toEqual(before);

    const r = await exportLabels(p, out, { force: true, now: new Date('2026-11-30T12:05:01.123Z') });
    expect(r.backups).toEqual([
      join(out, 'label_train.txt.bak-20261130T120501Z'),
      join(out, 'decisions.csv.bak-20261130T120501Z'),
    ]);
    expect(readFileSync(r.backups[0], 'utf8')).toBe('somebody else’s labels\n');
    expect(readFileSync(r.backups[1], 'utf8')).toBe('their audit\n');
    expect(readFileSync(join(out, 'label_train.txt'), 'utf8')).toBe('0\n1\n1\n');

    // A second forced export in the same second keeps both backups apart.
    writeFileSync(join(out, 'label_train.txt'), 'edited by hand\n');
    const again = await exportLabels(p, out, { force: true, now: new Date('2026-11-30T12:05:01.900Z') });
    expect(again.backups).toEqual([join(out, 'label_train.txt.bak-20261130T120501Z-2')]);
    expect(readFileSync(again.backups[0], 'utf8')).toBe('edited by hand\n');
    p.close();
  });

  it('treats an exported file edited afterwards as the user’s', async () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1, 1]);
    const out = join(dir, 'out');
    await exportLabels(p, out);
    writeFileSync(join(out, 'excluded.txt'), 'img0.png\n');
    const e = await refusal(exportLabels(p, out));
    expect(e.files).toEqual(['excluded.txt']);
    expect(readFileSync(join(out, 'excluded.txt'), 'utf8')).toBe('img0.png\n');
    p.close();
  });

  it('refuses a manifest it did not write, a FIFO or a folder in place of a file', async () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1]);
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, MANIFEST_NAME), '{"not":"ours"}');
    mkdirSync(join(out, 'decisions.json'));
    execFileSync('mkfifo', [join(out, 'label_train.txt')]);
    // A FIFO is never opened (that would block until someone writes to it).
    const e = await refusal(exportLabels(p, out));
    expect(e.files).toEqual(['label_train.txt', 'decisions.json', MANIFEST_NAME]);
    const r = await exportLabels(p, out, { force: true });
    expect(r.backups.map((b) => b.slice(out.length + 1).replace(/\d{8}T\d{6}Z$/, 'T'))).toEqual([
      'label_train.txt.bak-T',
      'decisions.json.bak-T',
      `${MANIFEST_NAME}.bak-T`,
    ]);
    expect(readFileSync(join(out, 'label_train.txt'), 'utf8')).toBe('0\n1\n');
    p.close();
  });

  it('refuses folders that are not folders, malformed names and kernel pseudo-filesystems, quickly', async () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1]);
    writeFileSync(join(dir, 'a-file'), 'x');
    execFileSync('mkfifo', [join(dir, 'a-fifo')]);
    const cases: [string, RegExp][] = [
      [p.path, /exists and is not a folder/],
      [join(dir, 'a-file'), /exists and is not a folder/],
      [join(dir, 'a-fifo'), /exists and is not a folder/],
      [join(dir, 'a-file', 'sub'), /is not a folder/],
      [join(dir, 'nul\0byte'), /NUL/],
      [join(dir, 'x'.repeat(300)), /longer than 255 bytes/],
      ['/proc/relabel-export/deeper', /pseudo-filesystem/],
      ['/proc/self', /pseudo-filesystem/],
      ['/sys/relabel-export', /pseudo-filesystem/],
      ['/dev/relabel-export', /pseudo-filesystem/],
    ];
    for (const [outDir, message] of cases) {
      const e = await refusal(exportLabels(p, outDir));
      expect(e.reason, outDir).toBe('bad_folder');
      expect(e.message, outDir).toMatch(message);
    }
    expect(existsSync('/dev/relabel-export')).toBe(false);
    p.close();
  });

  it('replaces files atomically and cleans up its temp file on failure', () => {
    const dir = tempDir();
    const f = join(dir, 'a.txt');
    writeFileSync(f, 'old');
    writeFileAtomic(f, 'new content');
    expect(readFileSync(f, 'utf8')).toBe('new content');
    expect(() => writeFileAtomic(join(dir, 'missing-dir', 'x.txt'), 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('quotes CSV fields that need it', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(csvField(3)).toBe('3');
  });
});
