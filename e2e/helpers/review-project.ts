import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { createEmptyProject, relabel } from './cli';
import { startServe, type Served } from './serve';

/**
 * A project ready to review without training: a demo dataset with out-of-fold probabilities that disagree with
 * the given label on the first `issues` images (strongest first), ranked with predicted_neq_given, so the review
 * queue is exactly those images, in a known order. Made once; each test reviews a fresh copy of it.
 */
export class ReviewFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'relabel-e2e-review-'));
  readonly dataDir = join(this.dir, 'data');
  readonly template = join(this.dir, 'template.relabel');
  private copies = 0;

  constructor(
    readonly images: number,
    readonly issues: number,
  ) {
    relabel(['demo', this.dataDir, '--count', String(images), '--size', '24', '--seed', '5']);
    createEmptyProject(this.template);
    relabel(['import', this.dataDir, '--project', this.template]);
    const labels = readFileSync(join(this.dataDir, 'label_train.txt'), 'utf8').trim().split('\n').map(Number);
    const rows = labels.map((l, i) => {
      // Wrong (disagreeing) for the first `issues` images, more confidently the earlier they are.
      const pGiven = i < issues ? 0.05 + (0.4 * i) / issues : 0.9;
      const p = [0, 0];
      p[l] = pGiven;
      p[1 - l] = 1 - pGiven;
      return `${l},${p[0].toFixed(6)},${p[1].toFixed(6)}`;
    });
    const csv = join(this.dir, 'probs.csv');
    writeFileSync(csv, `label,p0,p1\n${rows.join('\n')}\n`);
    relabel(['import-probs', '--project', this.template, '--csv', csv]);
    relabel(['issues', '--project', this.template, '--filter-by', 'predicted_neq_given']);
  }

  /** A fresh copy of the project, served; `stop()` ends the server. */
  async serve(annotator = 'e2e', extraArgs: string[] = []): Promise<Served & { project: string }> {
    const project = join(this.dir, `copy-${++this.copies}.relabel`);
    copyFileSync(this.template, project);
    const served = await startServe(project, annotator, extraArgs);
    return { ...served, project };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A browser context (one tab = one review session) whose annotator name is already known. */
export async function reviewer(
  browser: Browser,
  name: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((n) => localStorage.setItem('relabel.annotator', n), name);
  const page = await context.newPage();
  return { context, page };
}

export interface LoggedEvent {
  id: number;
  path: string;
  index: number;
  action: 'keep' | 'relabel' | 'exclude' | 'clear';
  newLabel: number | null;
  annotator: string;
  kind: 'decide' | 'undo' | 'redo';
  batch: string;
}

/** The whole decision log of a project file, oldest first (read beside the running server). */
export function decisionLog(project: string): LoggedEvent[] {
  const db = new Database(project, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT id, sample_path AS path, sample_idx AS "index", action, new_label AS newLabel, annotator, kind,
                batch_id AS batch
           FROM decision_events ORDER BY id`,
      )
      .all() as LoggedEvent[];
  } finally {
    db.close();
  }
}

/** Replays a decision log: the state every sample ends in (by index); undecided samples are absent. */
export function replay(log: LoggedEvent[]): Map<number, string> {
  const state = new Map<number, string>();
  for (const e of log) {
    if (e.action === 'clear') state.delete(e.index);
    else state.set(e.index, e.action === 'relabel' ? `relabel:${e.newLabel}` : e.action);
  }
  return state;
}
