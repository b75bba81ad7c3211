/**
 * Why an export refused to write. `would_overwrite` can be overridden (CLI `--force`, the UI's
 * confirmation), which keeps each replaced file as `<name>.bak-<timestamp>`; the others cannot.
 */
export type ExportRefusal = 'bad_folder' | 'source_folder' | 'would_overwrite';

/** An export that wrote nothing because writing would lose or misplace a file. */
export class ExportRefusedError extends Error {
  override name = 'ExportRefusedError';
  constructor(
    readonly reason: ExportRefusal,
    message: string,
    /** For `would_overwrite`: the files a previous Relabel export did not write. */
    readonly files: readonly string[] = [],
  ) {
    super(message);
  }
}
