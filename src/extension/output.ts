// The "I/O Lens" output channel: the traced program's own output, tracer messages, and errors.

import * as vscode from 'vscode';

let channel: vscode.OutputChannel | undefined;

export function output(): vscode.OutputChannel {
  channel ??= vscode.window.createOutputChannel('I/O Lens');
  return channel;
}

export function log(line: string): void {
  output().appendLine(`[${new Date().toISOString().slice(11, 23)}] ${line}`);
}

export function disposeOutput(): void {
  channel?.dispose();
  channel = undefined;
}
