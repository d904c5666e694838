// parseTraceFiles() in a worker thread: the worker reads and parses, this thread replays its batches
// into the sink (event-batch.ts). On a multi-core machine parsing and analysis then overlap, which is
// what makes `iolens analyze` on a 1 GB trace run at the speed of the slower of the two.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { BatchDecoder } from './event-batch';
import { abortError } from './parse-files';
import type { ParseWorkerInput, ParseWorkerMessage } from './parse-worker';
import type { ParseOptions, TraceParseResult, TraceSink } from './types';

/** Batches posted and not yet replayed, at most: bounds the memory between the threads (~2 chunks). */
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * The worker script: built next to this module (dist/parse-worker.js beside the bundles,
 * out/src/strace-parser/parse-worker.js beside the compiled tests). null when it is missing.
 */
export function parseWorkerScript(): string | null {
  const script = path.join(__dirname, 'parse-worker.js');
  return fs.existsSync(script) ? script : null;
}

/** Same contract as parseTraceFiles (events, order, result, errors, abort), parsed in a worker thread. */
export function parseTraceFilesInWorker(paths: string[], sink: TraceSink, options: ParseOptions = {}): Promise<TraceParseResult> {
  const script = parseWorkerScript();
  if (script === null) return Promise.reject(new Error(`the trace parser worker (${path.join(__dirname, 'parse-worker.js')}) is missing`));
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<TraceParseResult>((resolve, reject) => {
    const flow = new SharedArrayBuffer(4);
    const inFlight = new Int32Array(flow);
    const recycle = new MessageChannel();
    const input: ParseWorkerInput = {
      paths,
      maxLineBytes: options.maxLineBytes,
      flow,
      maxInFlight: MAX_BATCHES_IN_FLIGHT,
      wantsCallStarted: sink.callStarted !== undefined,
      callStartedFor: sink.callStartedFor,
      wantsIgnoredLines: sink.ignoredLine !== undefined,
      recycle: recycle.port2,
    };
    const worker = new Worker(script, { workerData: input, transferList: [recycle.port2] });
    const decoder = new BatchDecoder(sink);
    let settled = false;
    const settle = (error: unknown, result?: TraceParseResult): void => {
      if (settled) return;
      settled = true;
      decoder.stop();
      recycle.port1.close();
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (error !== null) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(result as TraceParseResult);
    };
    const onAbort = (): void => settle(abortError(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: ParseWorkerMessage) => {
      if (settled) return;
      try {
        switch (message.type) {
          case 'batch': {
            const { batch } = message;
            decoder.replay(batch);
            // The strings made from these bytes are copies: the buffers go back for the next batches.
            const buffers = batch.ascii === null ? [batch.nums] : [batch.nums, batch.ascii];
            recycle.port1.postMessage(buffers, buffers);
            Atomics.sub(inFlight, 0, 1);
            Atomics.notify(inFlight, 0);
            return;
          }
          case 'progress':
            onProgress?.(message.progress);
            return;
          case 'done':
            settle(null, message.result);
            return;
          case 'error': {
            const err = new Error(message.message);
            err.name = message.name;
            settle(err);
            return;
          }
        }
      } catch (e) {
        // The sink threw (the analysis failed): stop parsing and report it.
        settle(e);
      }
    });
    worker.on('error', (e) => settle(e));
    worker.on('exit', (code) => settle(new Error(`the trace parser worker stopped (exit code ${code}) before the end of the trace`)));
  });
}
