import { readSnapshot, type Db } from './db';
import { writingTo } from './errors';

/** Which backbone's embeddings a dataset generation has, and how complete they are. */
export interface EmbeddingStatus {
  backbone: string;
  dim: number;
  rows: number;
}

/**
 * Image embeddings (float16) per dataset generation and backbone, in chunks of consecutive samples written as
 * each chunk is computed. A re-import drops them (a trigger of the v3 migration); starting a different backbone
 * on the same generation drops the previous one, so a project holds one set of embeddings at a time.
 */
export class EmbeddingStore {
  constructor(private readonly db: Db) {}

  /** First sample index of every chunk already stored for (gen, backbone). */
  doneChunks(gen: number, backbone: string): Map<number, number> {
    const rows = this.db
      .prepare(`SELECT first_idx, count FROM embedding_chunks WHERE gen = ? AND backbone = ?`)
      .all(gen, backbone) as { first_idx: number; count: number }[];
    return new Map(rows.map((r) => [r.first_idx, r.count]));
  }

  /** Drops embeddings of other backbones for this generation (and any stale generation). */
  keepOnly(gen: number, backbone: string): void {
    writingTo(this.db, () =>
      this.db.prepare(`DELETE FROM embedding_chunks WHERE gen <> ? OR backbone <> ?`).run(gen, backbone),
    );
  }

  saveChunk(gen: number, backbone: string, first: number, dim: number, data: Uint16Array): void {
    if (data.length % dim !== 0)
      throw new Error(`embedding chunk of ${data.length} values is not rows of ${dim}`);
    writingTo(this.db, () =>
      this.db
        .prepare(
          `INSERT OR REPLACE INTO embedding_chunks (gen, backbone, first_idx, count, dim, data) VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(
          gen,
          backbone,
          first,
          data.length / dim,
          dim,
          Buffer.from(data.buffer, data.byteOffset, data.byteLength),
        ),
    );
  }

  /** The backbone whose embeddings cover the most rows of this generation, if any. */
  status(gen: number): EmbeddingStatus | null {
    const row = this.db
      .prepare(
        `SELECT backbone, max(dim) AS dim, sum(count) AS rows FROM embedding_chunks WHERE gen = ?
          GROUP BY backbone ORDER BY rows DESC LIMIT 1`,
      )
      .get(gen) as EmbeddingStatus | undefined;
    return row ?? null;
  }

  /** Calls `fn` with every stored chunk of (gen, backbone) in sample order; all reads on one snapshot. */
  forEachChunk(
    gen: number,
    backbone: string,
    fn: (first: number, rows: Uint16Array, dim: number) => void,
  ): void {
    readSnapshot(this.db, () => {
      const it = this.db
        .prepare(
          `SELECT first_idx, dim, data FROM embedding_chunks WHERE gen = ? AND backbone = ? ORDER BY first_idx`,
        )
        .raw()
        .iterate(gen, backbone) as IterableIterator<[number, number, Buffer]>;
      for (const [first, dim, data] of it) {
        const copy = new Uint16Array(data.byteLength / 2);
        new Uint8Array(copy.buffer).set(data);
        fn(first, copy, dim);
      }
    });
  }

  /** Bytes the embeddings take in the project (their BLOBs). */
  bytes(): number {
    return (
      this.db.prepare(`SELECT coalesce(sum(length(data)), 0) AS b FROM embedding_chunks`).get() as {
        b: number;
      }
    ).b;
  }
}
