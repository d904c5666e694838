// A page's link to its host: the VS Code webview API when running in a panel, or nothing when the
// page is a standalone HTML file (`iolens analyze --html`, `iolens compare --html`). Every message
// going out, and every state saved or restored, passes the page's protocol guards first.

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface WebviewHost<Out, State> {
  /** True inside a VS Code webview; false in a standalone HTML page. */
  readonly interactive: boolean;
  post(message: Out): void;
  getState(): State | undefined;
  setState(state: State): void;
}

export function createWebviewHost<Out, State>(isOutgoing: (x: unknown) => x is Out, isState: (x: unknown) => x is State): WebviewHost<Out, State> {
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
      if (isOutgoing(message)) vscode.postMessage(message);
    },
    getState() {
      const st = vscode.getState();
      return isState(st) ? st : undefined;
    },
    setState(state) {
      if (isState(state)) vscode.setState(state);
    },
  };
}

/** The state a page saves: versioned, and always naming the source it shows. */
interface SavedState {
  version: number;
  source: unknown;
}

export interface StateStore<S extends SavedState> {
  /** What the page restored or last saved. */
  readonly current: S | undefined;
  /** Merges `patch` in and saves; nothing is saved until the page knows its source. */
  save(patch: Partial<S>): void;
  /** Saves the source shown; a different source than before also takes `fresh` (drops the selection). */
  saveSource(source: S['source'], fresh: Partial<S>): void;
}

export function createStateStore<S extends SavedState>(host: WebviewHost<unknown, S>, version: S['version']): StateStore<S> {
  let current = host.getState();
  const save = (patch: Partial<S>): void => {
    if (!current && !patch.source) return;
    current = { ...(current as S), ...patch, version };
    host.setState(current);
  };
  return {
    get current() {
      return current;
    },
    save,
    saveSource(source, fresh) {
      const same = current && JSON.stringify(current.source) === JSON.stringify(source);
      save(same ? ({ source } as Partial<S>) : { ...fresh, source });
    },
  };
}
