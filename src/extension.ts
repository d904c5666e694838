// Extension entry point: wiring only. The commands come from a table (extension/commands.ts), the
// report panel is restored after reloads by its serializer, and everything is disposed with the
// extension.

import type * as vscode from 'vscode';
import { analyzeSource } from './extension/analyze-source';
import { registerCommands } from './extension/commands';
import { registerComparePanelSerializer } from './extension/compare-command';
import { registerEditorFeatures } from './extension/editor-features';
import { disposeOutput } from './extension/output';
import { registerReportPanelSerializer } from './extension/report-panel';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    ...registerCommands(context),
    registerReportPanelSerializer(context.extensionUri, analyzeSource),
    registerComparePanelSerializer(context.extensionUri, analyzeSource),
    ...registerEditorFeatures(),
    { dispose: disposeOutput },
  );
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
