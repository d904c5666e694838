// The comparison page's link to VS Code: every message going out, and the state saved, pass the
// protocol guards first. Outside VS Code (a standalone page, the preview) nothing is posted.

import {
  isComparePersistedState,
  isCompareWebviewToExtensionMessage,
  type ComparePersistedState,
  type CompareWebviewToExtensionMessage,
} from '../../src/protocol/compare-messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface CompareHost {
  readonly interactive: boolean;
  post(message: CompareWebviewToExtensionMessage): void;
  getState(): ComparePersistedState | undefined;
  setState(state: ComparePersistedState): void;
}

export function createCompareHost(): CompareHost {
  let api: VsCodeApi | undefined;
  try {
    api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  } catch {
    api = undefined;
  }
  if (!api) return { interactive: false, post: () => undefined, getState: () => undefined, setState: () => undefined };
  const vscode = api;
  return {
    interactive: true,
    post(message) {
      if (isCompareWebviewToExtensionMessage(message)) vscode.postMessage(message);
    },
    getState() {
      const st = vscode.getState();
      return isComparePersistedState(st) ? st : undefined;
    },
    setState(state) {
      if (isComparePersistedState(state)) vscode.setState(state);
    },
  };
}
