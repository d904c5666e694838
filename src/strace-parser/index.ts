// Public entry of the strace / perf trace parser (no VS Code import: used by the CLI and the extension).
export * from './types';
