// Lint rules for every TypeScript package in the repository (root tools, app/, ci/), and the
// structure check: no import cycle; no relative import into another package (a package is the
// folder of the nearest package.json: @release-pipeline/core is ci/src/core, the CLI is pipeline/,
// the Dagger module is ci/); every package a file imports declared by the package it belongs to.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.out/**', '.tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Tests walk parsed YAML and JSON of arbitrary shape.
    files: ['**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.mjs', 'scripts/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The structure check, over the CLI (pipeline/), the core and the Dagger module (ci/).
    files: ['pipeline/**/*.{ts,mjs}', 'ci/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Dependencies are parsed as TypeScript too, so a cycle through any file is seen.
      'import-x/extensions': ['.ts', '.mjs', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json', 'ci/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-relative-packages': 'error',
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: false, includeTypes: true }],
    },
  },
  {
    // Tests, and the module's replay of its toolbox, run from the repository root with its dev tools
    // (vitest, tsx): what they import is declared by their own package or by the root's.
    files: ['pipeline/test/**', 'ci/test/**', 'ci/replay/**'],
    rules: {
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: true, includeTypes: true, packageDir: ['.', 'pipeline', 'ci'] }],
    },
  },
  {
    // The Dagger module imports the core by relative path: its TypeScript runtime ships only ci/ to
    // the container and installs the module's packages before the sources are copied in, so a
    // `file:` dependency on the core could not be installed (dagger/dagger v0.21.8,
    // sdk/typescript/runtime: config.go, runtime_node.go; the README's "Layout").
    // Its SDK, @dagger.io/dagger, is supplied by that runtime (which deletes it from the module's
    // dependencies before installing): a devDependency here, for type checks and tests.
    files: ['ci/src/*.ts'],
    settings: { 'import-x/core-modules': ['@dagger.io/dagger'] },
    rules: { 'import-x/no-relative-packages': 'off' },
  },
);
