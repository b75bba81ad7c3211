import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src-main/core/dataset/demo';
import { importDataset } from '../../src-main/core/dataset/import';
import { classEvidence, classEvidenceView } from '../../src-main/core/evidence/class-evidence';
import { Project } from '../../src-main/core/store/project';
import { tempDir } from '../helpers/tmp';

/**
 * Where demo-faces.ts draws the accessories of class 0, in its 64-unit coordinates (faces are centred near
 * (32, 35.5), eyes 2.5–5.5 units above the centre, the hat brim 8–11.5 above it with the crown or dome higher up,
 * the beard from the cheeks down to the chin), and a background corner no face reaches.
 */
const REGIONS = {
  hat: { y: [14, 26], x: [20, 44] },
  glasses: { y: [27, 35], x: [18, 46] },
  beard: { y: [44, 58], x: [18, 46] },
  corner: { y: [0, 8], x: [0, 8] },
} as const;

describe('class-evidence map of the drawn-faces demo', () => {
  it('lights up the glasses and beard regions (top 10 %) and the hat region above the background', async () => {
    const dir = tempDir();
    await writeDemoDataset(join(dir, 'data'), {
      source: 'procedural',
      count: 1500,
      size: 32,
      noise: 0,
      seed: 2,
    });
    const project = Project.create(join(dir, 'faces.relabel'));
    await importDataset(project, join(dir, 'data'), { onBadImage: 'stop' });
    const view = classEvidenceView(await classEvidence(project));
    project.close();
    const { width, height } = view;
    const map = view.maps[0];
    const mask = new Set(map.mask);
    const stats = Object.fromEntries(
      Object.entries(REGIONS).map(([name, r]) => {
        let n = 0;
        let masked = 0;
        let heat = 0;
        const s = width / 64;
        for (let y = Math.floor(r.y[0] * s); y < Math.ceil(r.y[1] * s); y++)
          for (let x = Math.floor(r.x[0] * s); x < Math.ceil(r.x[1] * s); x++) {
            n++;
            if (mask.has(y * width + x)) masked++;
            heat += map.heat[y * width + x];
          }
        return [name, { masked: masked / n, heat: heat / n }];
      }),
    ) as Record<keyof typeof REGIONS, { masked: number; heat: number }>;
    expect(height).toBe(32);
    expect(stats.glasses.masked).toBeGreaterThan(0.5);
    expect(stats.beard.masked).toBeGreaterThan(0.15);
    expect(stats.corner.masked).toBe(0);
    // Hats come in every colour, so their gray level separates the classes less: above the background,
    // below the glasses.
    expect(stats.hat.heat).toBeGreaterThan(4 * stats.corner.heat);
    expect(stats.hat.masked).toBeGreaterThan(0.05); // measured: 0.15 (glasses 0.80, beard 0.32)
  });
});
