import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { relabel } from '../helpers/run-cli';
import { tempDir } from '../helpers/tmp';
import { brightPatchDataset, projectFromData } from './helpers';

describe('relabel report --figures', () => {
  it('writes the class-evidence PNGs without changing the project, and fails clearly without a dataset', async () => {
    const dir = tempDir();
    const project = projectFromData(dir, brightPatchDataset(90));
    project.close();
    const figures = join(dir, 'figures');
    const r = relabel(['report', '--project', join(dir, 'p.relabel'), '--figures', figures]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/class-evidence map over 90 images written to/);
    expect(readdirSync(figures).sort()).toEqual([
      'evidence-0-class-0-f.png',
      'evidence-0-class-0-mask.png',
      'evidence-0-class-0-panel.png',
    ]);
    const panel = await sharp(join(figures, 'evidence-0-class-0-panel.png')).metadata();
    expect([panel.width, panel.height]).toEqual([4 * 260 + 3 * 4, 260]); // 20 px × 13, four panels
    // Read-only: the map was computed but not cached.
    const { Project } = await import('../../src-main/core/store/project');
    const p = Project.open(join(dir, 'p.relabel'), { readonly: true });
    expect(p.classEvidence.get(p.datasetGeneration)).toBeUndefined();
    p.close();

    const empty = relabel(['report', '--project', join(dir, 'none.relabel'), '--figures', figures]);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(/does not exist/);
    expect(existsSync(join(dir, 'none.relabel'))).toBe(false);
  });
});
