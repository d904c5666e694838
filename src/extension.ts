// Extension entry point: wiring only. The commands come from a table (extension/commands.ts), the
// report panel is restored after reloads by its serializer, and everything is disposed with the
// extension.

import type * as vscode from 'vscode';
import { analyzeSource } from './extension/analyze-source';
import { registerCommands } from './extension/commands';
import { registerComparePanelSerializer } from './extension/compare-command';
import { registerEditorFeatures } from './extension/editor-features';
import { disposeOutput } from './extension/output';
import { reanalyzeOnSettingsChange, registerReportPanelSerializer } from './extension/report-panel';
import { stopAllRuns } from './extension/trace-runner';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    ...registerCommands(context),
    registerReportPanelSerializer(context.extensionUri, analyzeSource),
    reanalyzeOnSettingsChange(),
    registerComparePanelSerializer(context.extensionUri, analyzeSource),
    ...registerEditorFeatures(),
    { dispose: disposeOutput },
  );
}

export function deactivate(): void {
  // Everything else is in context.subscriptions. A run under way ends with the window: its tracer is
  // spawned detached and would otherwise go on, re-parented to init.
  stopAllRuns();
}
