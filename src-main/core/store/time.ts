/** Timestamps are stored as ISO-8601 UTC strings with milliseconds: sortable and readable in audits. */
export const nowIso = (): string => new Date().toISOString();
