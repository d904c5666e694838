// Opens a trace file beside the report and selects a line range (1-based, inclusive).

import * as vscode from 'vscode';

export async function revealLines(uri: vscode.Uri, line: number, endLine: number, besideOf?: vscode.ViewColumn): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const last = Math.max(0, doc.lineCount - 1);
  const start = Math.min(Math.max(0, line - 1), last);
  const end = Math.min(Math.max(start, endLine - 1), last);
  const range = new vscode.Range(start, 0, end, doc.lineAt(end).range.end.character);
  // The report sits beside the editor: show the trace in the other column.
  const column = besideOf === undefined ? vscode.ViewColumn.One : besideOf === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, selection: range, preserveFocus: false });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
