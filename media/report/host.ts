// The page's link to its host: the VS Code webview API when running in a panel, or nothing when
// the report is a standalone HTML file (`iolens analyze --html`). Every message going out is checked
// with the shared protocol validators before it is posted.

import {
  isPersistedState,
  isWebviewToExtensionMessage,
  type PersistedState,
  type WebviewToExtensionMessage,
} from '../../src/protocol/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  /** True inside a VS Code webview; false in a standalone HTML report. */
  readonly interactive: boolean;
  post(message: WebviewToExtensionMessage): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}

export function createHost(): Host {
  let api: VsCodeApi | undefined;
  try {
    api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  } catch {
    api = undefined;
  }
  if (!api) {
    return { interactive: false, post: () => undefined, getState: () => undefined, setState: () => undefined };
  }
  const vscode = api;
  return {
    interactive: true,
    post(message) {
      if (isWebviewToExtensionMessage(message)) vscode.postMessage(message);
    },
    getState() {
      const st = vscode.getState();
      return isPersistedState(st) ? st : undefined;
    },
    setState(state) {
      if (isPersistedState(state)) vscode.setState(state);
    },
  };
}
