/** Where the review opens at the end of `npm run setup` (and for npm start / npm run dev). */
import { describe, expect, it } from 'vitest';
import { needsElectronSqlite, planReview } from '../../scripts/desktop/plan';

const bools = [true, false];

describe('the review decision table: Electron binary × display × Electron better-sqlite3', () => {
  for (const electronBinary of bools) {
    for (const display of bools) {
      for (const electronSqlite of bools) {
        const facts = { electronBinary, display, electronSqlite };
        it(JSON.stringify(facts), () => {
          const plan = planReview(facts);
          if (electronBinary && display && electronSqlite) {
            expect(plan).toEqual({ launch: 'electron' });
            return;
          }
          expect(plan.launch).toBe('browser');
          if (plan.launch !== 'browser') return;
          // A browser opens by itself exactly where a window can open.
          expect(plan.open).toBe(display);
          expect(plan.why).toMatch(/^The review opens in a browser: /);
          expect(/Electron's binary is not installed/.test(plan.why)).toBe(!electronBinary);
          expect(plan.why.includes('node node_modules/electron/install.js')).toBe(!electronBinary);
          expect(/there is no display/.test(plan.why)).toBe(!display);
          expect(/npm run rebuild:electron/.test(plan.why)).toBe(
            electronBinary && display && !electronSqlite,
          );
        });
      }
    }
  }

  it('makes the Electron build only where a window can open', () => {
    expect(needsElectronSqlite({ electronBinary: true, display: true })).toBe(true);
    expect(needsElectronSqlite({ electronBinary: true, display: false })).toBe(false);
    expect(needsElectronSqlite({ electronBinary: false, display: true })).toBe(false);
    expect(needsElectronSqlite({ electronBinary: false, display: false })).toBe(false);
  });
});
