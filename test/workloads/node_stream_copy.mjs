// Copies SRC to DST with Node's streams: libuv's thread pool reads and writes on any of its
// threads, and each finished request wakes the event loop by writing an 8-byte counter to an
// eventfd. The analysis must see one file-to-file transfer (the eventfd passes events, not data).
// Usage: node node_stream_copy.mjs SRC DST
import * as fs from 'node:fs';

const [src, dst] = process.argv.slice(2);
fs.createReadStream(src).pipe(fs.createWriteStream(dst));
