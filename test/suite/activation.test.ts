// The extension is there, activates without error, and registers its command.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'iolens.iolens';
const COMMAND = 'iolens.analyzeTrace';

describe('activation', () => {
  it(`the extension ${EXTENSION_ID} is present`, () => {
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID), `${EXTENSION_ID} is not loaded in this VS Code`);
  });

  it('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    await ext.activate(); // rejects with the extension's own error when activate() throws
    assert.equal(ext.isActive, true);
  });

  it(`registers ${COMMAND}`, async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(COMMAND), `${COMMAND} is not among the ${commands.length} registered commands`);
  });

  it('contributes "I/O Lens: Analyze I/O trace" to the command palette', () => {
    const contributed = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.contributes?.commands as
      { command: string; title: string; category?: string }[] | undefined;
    const entry = contributed?.find((c) => c.command === COMMAND);
    assert.ok(entry, `${COMMAND} is not in contributes.commands`);
    // The UI checks (test/vscode/ui-checks.mjs) run it from the palette by this title.
    assert.equal(`${entry.category}: ${entry.title}`, 'I/O Lens: Analyze I/O trace');
  });
});
