// Public entry of the strace / perf trace parser (no VS Code import: used by the CLI and the extension).
export * from './types';
export { parseTraceFiles, parseTraceText, pidFromFileName } from './parse-files';
export { detectTraceFormat } from './detect';
export { splitArgs, parseFdArg, decodeCString, parseInOut, parseIntLoose, stripComment, argOf, decodeEscapes, detachString } from './args';
export type { FdArg } from './args';
export { TraceSyscall } from './events';
