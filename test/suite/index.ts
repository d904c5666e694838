// Entry point of the extension-host test suite: VS Code loads this file (extensionTestsPath) inside
// its extension host and calls run(). It runs every out/test/suite/**/*.test.js with Mocha and
// rejects when a test failed, which is what makes the host exit with code 1.
//
// The spec reporter's report reaches the runner through the extension host's console (code-server:
// test/vscode/run.mjs; desktop: test/electron/run.ts). The closing `# pass N` / `# fail N` lines
// are what scripts/test-all.mjs counts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}

export function run(): Promise<void> {
  return runSuite(__dirname);
}

/** Runs every *.test.js under `dir` (test/suite-untrusted/index.ts uses it for its own folder). */
export function runSuite(dir: string): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false, // the report goes through a console, not a terminal
    timeout: 30_000, // generous: the first analysis also activates the extension
    // IOLENS_TEST_GREP=activation runs only the matching tests (the host inherits the server's env).
    ...(process.env.IOLENS_TEST_GREP ? { grep: process.env.IOLENS_TEST_GREP } : {}),
  });
  const files = testFiles(dir);
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js files under ${dir}: run \`npm run compile-tests\``));
  for (const f of files) mocha.addFile(f);

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const s = runner.stats;
        console.log(`# tests ${s?.tests ?? 0}`);
        console.log(`# pass ${s?.passes ?? 0}`);
        console.log(`# fail ${failures}`);
        console.log(`# pending ${s?.pending ?? 0}`);
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
    } catch (e) {
      // A test file that throws while loading lands here, before any test ran.
      console.error(e);
      console.log('# pass 0');
      console.log('# fail 1');
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
