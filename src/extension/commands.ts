// The extension's commands as a table of factories (the vscode-go pattern): each entry builds its
// handler from the extension context; activate() registers them all.

import * as vscode from 'vscode';
import { analyzeTraceCommand } from './analyze-command';
import { compareTracesCommand } from './compare-command';
import { EDITOR_COMMANDS } from './editor-features';

export type CommandFactory = (context: vscode.ExtensionContext) => (...args: unknown[]) => unknown;

/** Command id -> factory. Every id here is declared in package.json `contributes.commands`. */
export const COMMANDS: Readonly<Record<string, CommandFactory>> = {
  'iolens.analyzeTrace': analyzeTraceCommand,
  'iolens.compareTraces': compareTracesCommand,
  ...EDITOR_COMMANDS,
};

export function registerCommands(context: vscode.ExtensionContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) => vscode.commands.registerCommand(id, factory(context)));
}
