// Lint config: typescript-eslint's recommended rules over the extension, the core, the webview and the tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/vscode/node_modules/**', 'test/vscode/work/**', 'test/vscode/workspace/**', '**/*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', __dirname: 'readonly', window: 'readonly', document: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'smart'],
      'no-eval': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    // The pure core and the strace parser must not depend on VS Code: they also run in the iolens CLI and plain-Node tests.
    files: ['src/strace-parser/**', 'src/core/**', 'src/cli/**', 'src/protocol/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode'] }] },
  },
);
