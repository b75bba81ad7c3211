/**
 * Where the review opens (npm run setup, npm start, npm run dev): the decision table, as pure functions.
 *
 * | Electron binary | display | Electron better-sqlite3 | result                                        |
 * | --------------- | ------- | ----------------------- | --------------------------------------------- |
 * | yes             | yes     | present (or just made)  | the desktop window                            |
 * | yes             | yes     | cannot be made          | browser, opened (`relabel serve --open`)      |
 * | yes             | no      | (not made: unused)      | browser URL printed, nothing opened           |
 * | no              | yes     | (not made: unused)      | browser, opened                               |
 * | no              | no      | (not made: unused)      | browser URL printed, nothing opened           |
 */
import { PROBLEMS } from '../../src-main/core/system/problems';

export interface DesktopFacts {
  electronBinary: boolean;
  display: boolean;
}

/** Only a window that can open needs the Electron build of better-sqlite3; making it may download or compile. */
export function needsElectronSqlite(f: DesktopFacts): boolean {
  return f.electronBinary && f.display;
}

export type ReviewPlan =
  | { launch: 'electron' }
  | {
      launch: 'browser';
      /** Pass --open to `relabel serve` (a browser opens by itself). */
      open: boolean;
      /** Why not the desktop window, and what would make it possible. */
      why: string;
    };

export function planReview(f: DesktopFacts & { electronSqlite: boolean }): ReviewPlan {
  if (f.electronBinary && f.display && f.electronSqlite) return { launch: 'electron' };
  const reasons: string[] = [];
  if (!f.electronBinary)
    reasons.push(`Electron's binary is not installed (fix: ${PROBLEMS['electron-binary-missing'].fix})`);
  if (!f.display)
    reasons.push(
      'there is no display (DISPLAY and WAYLAND_DISPLAY are unset): open the URL below in a browser',
    );
  if (f.electronBinary && f.display && !f.electronSqlite)
    reasons.push(
      `better-sqlite3 for Electron could not be made (fix: ${PROBLEMS['electron-sqlite-missing'].fix})`,
    );
  return { launch: 'browser', open: f.display, why: `The review opens in a browser: ${reasons.join('; ')}.` };
}
