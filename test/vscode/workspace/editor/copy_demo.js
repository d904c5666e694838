// I/O Lens editor fixture: copies a file with fs.copyFileSync (libuv: copy_file_range in the
// kernel), then through a JavaScript buffer with a readSync/writeSync loop.
'use strict';
const fs = require('node:fs');

function copyInKernel(src, dst) {
  fs.copyFileSync(src, dst);
}

function copyLoop(src, dst) {
  const fin = fs.openSync(src, 'r');
  const fout = fs.openSync(dst, 'w');
  const buf = Buffer.alloc(65536);
  for (let n = fs.readSync(fin, buf, 0, buf.length, null); n > 0; n = fs.readSync(fin, buf, 0, buf.length, null)) {
    fs.writeSync(fout, buf, 0, n);
  }
  fs.closeSync(fin);
  fs.closeSync(fout);
}

const [src, dstKernel, dstLoop] = process.argv.slice(2);
copyInKernel(src, dstKernel);
copyLoop(src, dstLoop);
