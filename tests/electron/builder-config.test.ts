import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// electron-builder's own schema check (packaging itself needs Electron's binary, unavailable here).
const require = createRequire(import.meta.url);
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
};
const yaml = require('js-yaml') as { load(text: string): Record<string, unknown> };

const config = yaml.load(readFileSync('electron-builder.yml', 'utf8'));
const quiet = { isEnabled: false, add() {} };

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(config, quiet)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, asarUnpackk: ['x'] }, quiet)).rejects.toThrow(
      /asarUnpackk/,
    );
  });

  it('packages the build and the Electron-ABI better-sqlite3, unpacks native modules and wasm, rebuilds nothing in place', () => {
    // An in-place rebuild would turn the checkout's Node build (CLI, tests) into an Electron one.
    expect(config).toMatchObject({ productName: 'Relabel', npmRebuild: false, asar: true });
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json', 'native/**']));
    expect(config.asarUnpack).toContain('native/**/*.node');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.scripts.package).toMatch(/scripts\/desktop\/main\.ts ensure-sqlite && electron-builder/);
    expect(JSON.stringify(pkg.scripts)).not.toMatch(/install-app-deps/);
    const unpack = (config.asarUnpack as string[]).join('\n');
    expect(unpack).toMatch(/better-sqlite3/);
    expect(unpack).toMatch(/sharp/);
    expect(unpack).toMatch(/tfjs-backend-wasm\/dist\/\*\.wasm/);
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'] });
    expect(config.mac).toMatchObject({ target: 'dmg' });
    expect(config.win).toMatchObject({ target: 'nsis' });
  });
});
