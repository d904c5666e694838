// Opens a trace file beside the report and selects a line range (1-based, inclusive).

import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export async function revealLines(uri: vscode.Uri, line: number, endLine: number, besideOf?: vscode.ViewColumn): Promise<void> {
  if (await isGzipFile(uri)) {
    // The analysis reads .gz traces as they are; an editor would show their compressed bytes.
    const lines = endLine > line ? `lines ${line}-${endLine}` : `line ${line}`;
    void vscode.window.showInformationMessage(`I/O Lens: ${path.basename(uri.fsPath)} is gzip-compressed, which VS Code cannot show as text. To go to ${lines}, decompress it (gunzip -k) and analyze the decompressed file.`);
    return;
  }
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

/** Whether a local file starts with gzip's magic bytes (1f 8b). */
async function isGzipFile(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme !== 'file') return false;
  const fh = await fsp.open(uri.fsPath, 'r').catch(() => null);
  if (fh === null) return false;
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } catch {
    return false;
  } finally {
    await fh.close().catch(() => undefined);
  }
}
