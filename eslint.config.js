// Layering rules (STYLE.md §1): src/shared is plain data and pure functions,
// src/renderer never reaches into src/main. Type-level isolation (no Node or
// DOM globals in shared) is enforced by tsconfig.shared.json; this file
// enforces the import boundaries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'fs', 'path', 'os', 'crypto', 'child_process', 'worker_threads', 'http', 'https', 'net', 'url',
  'stream', 'events', 'util', 'zlib', 'buffer', 'process', 'readline', 'module', 'assert', 'timers',
];
const nodeOnlyPackages = ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'commander', 'cli-progress'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'training/**', '**/*.cjs', 'docs/**', '.*', '.*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/**/*.test.ts'], // tests run in Node and may use it as a reference
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, ...nodeOnlyPackages, 'react', 'react-dom', 'konva', 'react-konva'].map((name) => ({
          name, message: 'src/shared holds plain types and pure functions only (STYLE.md §1).',
        })),
        patterns: [
          { group: ['node:*'], message: 'src/shared must not import Node modules.' },
          { group: ['**/main/**', '**/renderer/**'], message: 'src/shared must not depend on main or renderer.' },
        ],
      }],
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, ...nodeOnlyPackages].map((name) => ({
          name, message: 'The renderer talks to main only through the typed API (STYLE.md §1).',
        })),
        patterns: [
          { group: ['node:*'], message: 'The renderer must not import Node modules.' },
          { group: ['**/main/**', '../main', '../../main'], message: 'The renderer must not import src/main.' },
        ],
      }],
    },
  },
);
