import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';

/** The last opened project, remembered in a small JSON file in userData. */
export function readLastProject(file: string): string | null {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { path?: unknown };
    return typeof raw.path === 'string' && isAbsolute(raw.path) ? raw.path : null;
  } catch {
    return null;
  }
}

export function writeLastProject(file: string, projectPath: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ path: projectPath }));
  renameSync(tmp, file);
}
