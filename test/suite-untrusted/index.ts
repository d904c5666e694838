// Entry point of the extension-host tests that run in an UNTRUSTED workspace (Restricted Mode):
// `node test/vscode/run.mjs test-untrusted` opens the workspace with workspace trust on and the
// folder not trusted, and points extensionTestsPath here.
import { runSuite } from '../suite/index';

export function run(): Promise<void> {
  return runSuite(__dirname);
}
