/**
 * Every native addon the Electron main process or its training workers can load: better-sqlite3 gets its own
 * Electron-ABI build; everything else must be N-API (one binary for every ABI, Node's and Electron's alike).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { readAddonAbiFile } from '../../src-main/core/system/electron-sqlite';

const root = process.cwd();

/** Node's lookup: <from>/node_modules/<name>, then each parent's (package "exports" may hide package.json). */
function lookup(name: string, from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Folders of the production dependency tree (dependencies + optionalDependencies that are installed). */
function productionPackages(): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (name: string, from: string) => {
    const dir = lookup(name, from);
    if (!dir) return; // an optional dependency that is not installed here (tfjs-node, other platforms' binaries)
    if (found.has(dir)) return;
    found.set(dir, name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep, dir);
  };
  const app = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const dep of Object.keys({ ...app.dependencies, ...app.optionalDependencies })) visit(dep, root);
  return found;
}

function addons(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === 'node_modules' || /^obj(\.target)?$/.test(entry)) continue; // nested packages are visited on their own
    const st = statSync(path);
    if (st.isDirectory()) out.push(...addons(path));
    else if (entry.endsWith('.node')) out.push(path);
  }
  return out;
}

describe('native addons of the production dependencies', () => {
  it('are N-API, except better-sqlite3, which has its own Electron build', () => {
    const packages = productionPackages();
    expect([...packages.values()]).toEqual(expect.arrayContaining(['better-sqlite3', 'sharp']));
    const found = [...packages.keys()].flatMap((dir) =>
      addons(dir).map((file) => ({
        pkg: packages.get(dir)!,
        file: relative(root, file),
        abi: readAddonAbiFile(file),
      })),
    );
    const notNapi = found.filter((a) => a.abi.kind !== 'napi').map((a) => `${a.pkg}: ${a.file}`);
    // better-sqlite3's own test extension is never loaded by the app.
    expect(notNapi.filter((f) => !f.startsWith('better-sqlite3:'))).toEqual([]);
    expect(notNapi).toContain(
      `better-sqlite3: ${join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')}`,
    );
    // sharp's libvips binding is one of the N-API ones checked.
    expect(found.some((a) => a.pkg.startsWith('@img/sharp-') && a.abi.kind === 'napi')).toBe(true);
  });
});
