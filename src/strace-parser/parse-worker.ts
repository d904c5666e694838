// Worker-thread entry (bundled as dist/parse-worker.js): parses the trace files it is given and posts
// the parser's output to the main thread as batches (event-batch.ts). At most `maxInFlight` batches
// wait on the main thread: past that the worker blocks, so a slow consumer never makes memory grow.

import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { BatchEncoder, type EventBatch } from './event-batch';
import { parseTraceFiles } from './parse-files';
import type { ParseProgress, TraceParseResult, TraceSink } from './types';

/** What parse-in-worker.ts passes as workerData. */
export interface ParseWorkerInput {
  paths: string[];
  maxLineBytes?: number;
  /** Int32 [batches posted and not yet replayed]; the main thread decrements it and notifies. */
  flow: SharedArrayBuffer;
  maxInFlight: number;
  /** Which optional sink callbacks the consumer has (the others are not worth shipping). */
  wantsCallStarted: boolean;
  callStartedFor?: readonly string[];
  wantsIgnoredLines: boolean;
  /** The main thread sends back here the buffers of the batches it has replayed, for reuse. */
  recycle: MessagePort;
}

/** Smallest buffer allocated for a batch: recycled buffers then fit the next batches. */
const MIN_BUFFER_BYTES = 3 << 20;

/**
 * Buffers for batches: the ones the main thread sent back, else new ones. Reusing them keeps the
 * memory of both threads flat: a new 2 MB buffer per batch is freed only by a full collection.
 */
function bufferPool(recycle: MessagePort): (bytes: number) => ArrayBuffer {
  const free: ArrayBuffer[] = [];
  return (bytes) => {
    for (let m = receiveMessageOnPort(recycle); m !== undefined; m = receiveMessageOnPort(recycle)) free.push(...(m.message as ArrayBuffer[]));
    const k = free.findIndex((b) => b.byteLength >= bytes);
    if (k >= 0) return free.splice(k, 1)[0];
    return new ArrayBuffer(Math.max(bytes, MIN_BUFFER_BYTES));
  };
}

/** Messages the worker posts, in order: batches and progress, then one done or error. */
export type ParseWorkerMessage =
  | { type: 'batch'; batch: EventBatch }
  | { type: 'progress'; progress: ParseProgress }
  | { type: 'done'; result: TraceParseResult }
  | { type: 'error'; name: string; message: string };

function run(port: NonNullable<typeof parentPort>, input: ParseWorkerInput): void {
  const inFlight = new Int32Array(input.flow);
  const post = (message: ParseWorkerMessage, transfer?: ArrayBuffer[]): void => port.postMessage(message, transfer);
  const encoder = new BatchEncoder((batch, transfer) => {
    for (;;) {
      const waiting = Atomics.load(inFlight, 0);
      if (waiting < input.maxInFlight) break;
      Atomics.wait(inFlight, 0, waiting);
    }
    Atomics.add(inFlight, 0, 1);
    post({ type: 'batch', batch }, transfer);
  }, bufferPool(input.recycle));
  const sink: TraceSink = {
    event: (e) => encoder.event(e),
    diagnostic: (d) => encoder.diagnostic(d),
    callStartedFor: input.callStartedFor,
  };
  if (input.wantsCallStarted) sink.callStarted = (s) => encoder.callStarted(s);
  if (input.wantsIgnoredLines) sink.ignoredLine = (f, l) => encoder.ignoredLine(f, l);
  parseTraceFiles(input.paths, sink, {
    maxLineBytes: input.maxLineBytes,
    // Pieces that die young in this thread; the batch puts them back together for the main thread.
    decodePieceBytes: 96 << 10,
    // Not a flush: batches end where a chunk text ends, so each text is cloned once.
    onProgress: (progress) => post({ type: 'progress', progress }),
  }).then(
    (result) => {
      encoder.flush();
      post({ type: 'done', result });
    },
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      post({ type: 'error', name: err.name, message: err.message });
    },
  );
}

if (parentPort !== null) run(parentPort, workerData as ParseWorkerInput);
