/** The README's Troubleshooting table is relabel doctor's problem table; versions quoted there match package.json. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  CHECK_TITLES,
  MIN_NODE,
  PROBLEMS,
  TFJS_NODE_VERSION,
  troubleshootingMarkdown,
} from '../../src-main/core/system/problems';

/** Table rows as trimmed cells (prettier pads the README's copy). */
const rows = (markdown: string) =>
  markdown
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );

describe('README Troubleshooting', () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(
    readme.indexOf('<!-- troubleshooting:start -->'),
    readme.indexOf('<!-- troubleshooting:end -->'),
  );

  it("has exactly the rows of the doctor's problem table (regenerate: npx tsx scripts/desktop/main.ts troubleshooting --write)", () => {
    expect(section.length).toBeGreaterThan(100);
    expect(rows(section)).toEqual(rows(troubleshootingMarkdown()));
  });

  it('names every problem and every check the doctor makes', () => {
    for (const [id, p] of Object.entries(PROBLEMS)) {
      expect(section).toContain(`\`${id}\``);
      expect(CHECK_TITLES[p.check]).toBeTruthy();
    }
    const checked = new Set(Object.values(PROBLEMS).map((p) => p.check));
    // Every check that can fail has at least one documented problem.
    for (const id of Object.keys(CHECK_TITLES))
      expect(checked.has(id as keyof typeof CHECK_TITLES), id).toBe(true);
  });

  it('quotes the versions package.json pins', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.optionalDependencies['@tensorflow/tfjs-node']).toBe(TFJS_NODE_VERSION);
    expect(pkg.optionalDependencies['@tensorflow/tfjs-node-gpu']).toBe(TFJS_NODE_VERSION);
    expect(pkg.engines.node).toBe(`>=${MIN_NODE}`);
  });
});
