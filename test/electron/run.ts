// The extension-host suite (test/suite) in desktop VS Code, through @vscode/test-electron, for
// developers who have a desktop and internet access: `npm run test:electron`.
//
// test-electron downloads VS Code (the version in VSCODE_VERSION, else the latest stable) into
// .vscode-test/, unless VSCODE_EXECUTABLE names an installed one. Machines without that access
// (CI) run the same suite in code-server instead: `npm run test:ext` (test/vscode/run.mjs).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<number> {
  // Compiled to out/test/electron/run.js: the repo root is three levels up.
  const repo = path.resolve(__dirname, '..', '..', '..');
  const extensionTestsPath = path.join(repo, 'out', 'test', 'suite', 'index.js');
  if (!fs.existsSync(path.join(repo, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build`');

  // Same workspace as the code-server runs, copied so nothing the extension writes lands in the repo.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iolens-electron-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(repo, 'test', 'vscode', 'workspace'), workspace, { recursive: true });
  try {
    return await runTests({
      extensionDevelopmentPath: repo,
      extensionTestsPath,
      ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
      launchArgs: [
        workspace,
        '--disable-extensions', // only the extension under test
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir', path.join(tmp, 'user-data'),
      ],
      extensionTestsEnv: process.env.IOLENS_TEST_GREP ? { IOLENS_TEST_GREP: process.env.IOLENS_TEST_GREP } : {},
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('Extension-host tests (desktop VS Code) failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
