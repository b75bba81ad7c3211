import type { Db } from './db';
import { writingTo } from './errors';

/** The class-evidence map of one dataset generation, as cached in the project. */
export interface StoredClassEvidence {
  generation: number;
  numClasses: number;
  width: number;
  height: number;
  /** Images per class that went into the map. */
  counts: number[];
  /** A few sample indices per class, shown beside the map. */
  samples: number[][];
  /** F of each class vs the rest, per pixel (numClasses × height × width). */
  f: Float64Array;
  /** Mean grayscale image per class (numClasses × height × width). */
  means: Float64Array;
  createdAt: string;
}

const toBlob = (a: Float64Array) => Buffer.from(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
function fromBlob(b: Buffer): Float64Array {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float64Array(copy.buffer);
}

interface Row {
  gen: number;
  num_classes: number;
  width: number;
  height: number;
  counts_json: string;
  samples_json: string;
  f: Buffer;
  means: Buffer;
  created_at: string;
}

/** Cache of the class-evidence map, one row per dataset generation (older generations are dropped). */
export class ClassEvidenceStore {
  constructor(private readonly db: Db) {}

  get(generation: number): StoredClassEvidence | undefined {
    const r = this.db.prepare(`SELECT * FROM class_evidence WHERE gen = ?`).get(generation) as
      Row | undefined;
    if (!r) return undefined;
    return {
      generation: r.gen,
      numClasses: r.num_classes,
      width: r.width,
      height: r.height,
      counts: JSON.parse(r.counts_json) as number[],
      samples: JSON.parse(r.samples_json) as number[][],
      f: fromBlob(r.f),
      means: fromBlob(r.means),
      createdAt: r.created_at,
    };
  }

  save(e: StoredClassEvidence): void {
    writingTo(this.db, () =>
      this.db.transaction(() => {
        this.db.prepare(`DELETE FROM class_evidence WHERE gen <> ?`).run(e.generation);
        this.db
          .prepare(
            `INSERT OR REPLACE INTO class_evidence
               (gen, num_classes, width, height, counts_json, samples_json, f, means, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            e.generation,
            e.numClasses,
            e.width,
            e.height,
            JSON.stringify(e.counts),
            JSON.stringify(e.samples),
            toBlob(e.f),
            toBlob(e.means),
            e.createdAt,
          );
      })(),
    );
  }
}
