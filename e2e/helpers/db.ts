import Database from 'better-sqlite3';

export interface StoredDecision {
  path: string;
  action: 'keep' | 'relabel' | 'exclude';
  newLabel: number | null;
  annotator: string;
}

/** The current decisions as stored in the project file (opened read-only, beside the running server). */
export function storedDecisions(projectPath: string): Map<string, StoredDecision> {
  const db = new Database(projectPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare('SELECT sample_path AS path, action, new_label AS newLabel, annotator FROM current_decisions')
      .all() as StoredDecision[];
    return new Map(rows.map((r) => [r.path, r]));
  } finally {
    db.close();
  }
}
