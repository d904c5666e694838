// Serves SRC over HTTP with chunked transfer encoding (no Content-Length: Node frames each 64 KiB
// chunk its read stream gives it with a chunk-size line) and, in the same process, fetches it with
// Node's HTTP client and saves the body to DST with a write stream. The loop's thread reads the
// socket; libuv's thread pool reads SRC and writes DST. The socket's reads carry the chunk-size
// lines (`10000\r\n`, after the previous chunk's `\r\n`), which are never written: the analysis must
// see SRC -> socket and socket -> DST, each with SRC's bytes.
// Usage: node node_http_chunked.mjs SRC DST
import * as fs from 'node:fs';
import * as http from 'node:http';

const [src, dst] = process.argv.slice(2);
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  fs.createReadStream(src).pipe(res);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
    if (res.headers['transfer-encoding'] !== 'chunked') throw new Error(`not chunked: ${JSON.stringify(res.headers)}`);
    const out = fs.createWriteStream(dst);
    res.pipe(out);
    out.on('finish', () => server.close());
  });
});
