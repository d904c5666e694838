// The "Open a trace file..." and "Analyze the active editor" entries once the files or the editor
// are known, and the command's `(uri | uri[])` form: each turns into a ReportSource for the panel.

import * as vscode from 'vscode';
import type { IoReport } from '../core/report-types';
import { analyzeAndShow } from './analyze-source';

/** The `(uri | uri[])` form: an unsaved editor (the editor title button on an untitled or modified trace) is analyzed from its text. */
export function analyzeUris(context: vscode.ExtensionContext, uris: vscode.Uri[]): Promise<IoReport | undefined> {
  const open = uris.length === 1 ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uris[0].toString()) : undefined;
  if (open && (open.isUntitled || open.isDirty)) return analyzeAndShow(context, { kind: 'document', uri: open.uri.toString() });
  return analyzeFiles(context, uris);
}

/** "Analyze the active editor": a saved file is read from disk, anything else from the editor's text. */
export async function analyzeEditor(context: vscode.ExtensionContext, doc: vscode.TextDocument): Promise<IoReport | undefined> {
  if (doc.uri.scheme === 'file' && !doc.isDirty) return analyzeFiles(context, [doc.uri]);
  return analyzeAndShow(context, { kind: 'document', uri: doc.uri.toString() });
}

/** "Open a trace file...", after the dialog: the files are the parts of one trace. */
export function analyzeFiles(context: vscode.ExtensionContext, uris: readonly vscode.Uri[]): Promise<IoReport | undefined> {
  return analyzeAndShow(context, { kind: 'files', uris: uris.map((u) => u.toString()) });
}

