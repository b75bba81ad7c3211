import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', 'tests/data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  prettier,
  ...svelte.configs['flat/prettier'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // The core is shared by CLI, server, workers and tests: it must never reach for Electron or a transport.
    files: ['src-main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'electron',
            '**/electron/**',
            '**/server/**',
            '**/transport/**',
            '**/cli/**',
            '**/src-renderer/**',
          ],
        },
      ],
    },
  },
  {
    // What both shells share (dispatch, error mapping, CSP, media requests) belongs to neither of them.
    files: ['src-main/transport/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['electron', '**/electron/**', '**/server/**', '**/cli/**', '**/src-renderer/**'] },
      ],
    },
  },
  {
    // Only the transport client may talk to IPC; everything else goes through the typed contract.
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.svelte'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['electron', '**/src-main/**'] }] },
  },
);
