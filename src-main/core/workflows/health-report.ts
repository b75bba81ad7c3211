import type { DatasetHealth, HealthImage } from '../../../src-shared/health';

/** Duplicate groups and outliers the terminal report lists (the JSON has all the answer has). */
const SHOWN = 10;

const labelOf = (m: HealthImage, classNames: string[]) => classNames[m.givenLabel] ?? String(m.givenLabel);

/** The dataset-health section of `relabel report`, as text lines. */
export function formatHealth(h: DatasetHealth, classNames: string[]): string[] {
  const out = ['', 'Dataset health'];
  const conflicting = h.duplicateGroups.filter((g) => g.labelsDisagree).length;
  out.push(
    h.totalDuplicateGroups === 0
      ? `  duplicates: none found${h.status === 'ok' ? ` (exact, or cosine ≥ ${h.threshold})` : ' (exact)'}`
      : `  duplicates: ${h.totalDuplicateGroups} group(s), ${h.redundantImages} redundant image(s)` +
          (conflicting
            ? `; ${conflicting} group(s) with conflicting labels: one label in each is wrong`
            : '') +
          (h.pairsTruncated ? ' (more near pairs than kept: a lower bound)' : ''),
  );
  for (const g of h.duplicateGroups.slice(0, SHOWN)) {
    const how = g.kind === 'exact' ? 'exact' : `near, cosine ≥ ${g.similarity.toFixed(3)}`;
    const members = g.members.map((m) => `${m.path} (${labelOf(m, classNames)})`).join(', ');
    out.push(`    ${g.labelsDisagree ? 'LABELS DISAGREE ' : ''}${how}: ${members}`);
  }
  if (h.duplicateGroups.length > SHOWN) out.push(`    … ${h.totalDuplicateGroups - SHOWN} more (--json)`);
  if (h.status !== 'ok') {
    out.push(`  near-duplicates and outliers: ${h.message ?? h.status}`);
    return out;
  }
  out.push(`  outliers (1 − mean cosine similarity to the ${h.neighbours} nearest images; ${h.backbone}):`);
  for (const o of h.outliers.slice(0, SHOWN))
    out.push(
      `    ${o.score.toFixed(4)}  ${o.path} (${labelOf(o, classNames)})${o.decision ? `, ${o.decision.action}` : ''}`,
    );
  return out;
}
