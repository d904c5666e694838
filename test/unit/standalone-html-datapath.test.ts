// The data-path picture model the report draws (media/report/datapath-model.ts): the buffers and
// hops per strategy and endpoints (io-model.md), always agreeing with the analyzer's copy counts.

import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Endpoint, Strategy } from '../../src/core/report-types';
import { buildPathModel, peerAddress, type PathModel } from '../../media/report/datapath-model';

const file = (p = '/data/in.bin'): Endpoint => ({ kind: 'file', path: p });
const tcp = (loopback = false): Endpoint => ({ kind: 'tcp', path: '10.0.0.1:5000->10.0.0.2:80', loopback });
const pipe: Endpoint = { kind: 'pipe', path: 'pipe:[1]' };
const mem: Endpoint = { kind: 'memory', path: 'user buffer' };

function model(strategy: Strategy, source: Endpoint, sink: Endpoint, cpu: number | null, dma: number | null, via?: Endpoint): PathModel {
  return buildPathModel({ strategy, source, sink, via, copies: { cpu, dma }, modeSwitches: 4 });
}
const boxes = (m: PathModel) => m.boxes.map((b) => `${b.label}@${b.lane}`);
const hops = (m: PathModel) => m.hops.map((h) => h.kind);
const count = (m: PathModel, k: string) => m.hops.filter((h) => h.kind === k).length;

describe('data-path model', () => {
  test('read/write file -> NIC: the classic 4 copies, 2 by the CPU through a user buffer', () => {
    const m = model('read_write', file(), tcp(), 2, 2);
    assert.deepEqual(boxes(m), ['Disk@device', 'Page cache@kernel', 'User buffer@user', 'Socket buffer@kernel', 'NIC@device']);
    assert.deepEqual(hops(m), ['dma', 'cpu', 'cpu', 'dma']);
    assert.deepEqual(m.notes, []);
  });
  test('O_DIRECT: no page cache on that side, the disk\'s DMA goes to or from the user buffer', () => {
    const both = model('read_write', { ...file(), direct: true }, { ...file('/data/out.bin'), direct: true }, 0, 2);
    assert.deepEqual(boxes(both), ['Disk@device', 'User buffer@user', 'Disk@device']);
    assert.deepEqual(hops(both), ['dma', 'dma']);
    const sourceOnly = model('read_write', { ...file(), direct: true }, tcp(), 1, 2);
    assert.deepEqual(boxes(sourceOnly), ['Disk@device', 'User buffer@user', 'Socket buffer@kernel', 'NIC@device']);
    assert.deepEqual(hops(sourceOnly), ['dma', 'cpu', 'dma']);
    assert.deepEqual(sourceOnly.notes, []);
  });
  test('loopback: no NIC box and no DMA on that side', () => {
    const m = model('read_write', file(), tcp(true), 2, 1);
    assert.deepEqual(boxes(m), ['Disk@device', 'Page cache@kernel', 'User buffer@user', 'Socket buffer@kernel']);
    assert.deepEqual(hops(m), ['dma', 'cpu', 'cpu']);
  });
  test('sendfile to a gathering NIC: no CPU copy, descriptors only', () => {
    const m = model('sendfile', file(), tcp(), 0, 2);
    assert.deepEqual(boxes(m), ['Disk@device', 'Page cache@kernel', 'Socket buffer@kernel', 'NIC@device']);
    assert.deepEqual(hops(m), ['dma', 'ref', 'dma']);
  });
  test('sendfile without gather: the analyzer says 1 CPU copy, the picture follows', () => {
    const m = model('sendfile', file(), tcp(), 1, 2);
    assert.deepEqual(hops(m), ['dma', 'cpu', 'dma']);
  });
  test('mmap + write: mapped pages in user space, one CPU copy', () => {
    const m = model('mmap_write', file(), tcp(), 1, 2);
    assert.equal(count(m, 'cpu'), 1);
    assert.ok(boxes(m).includes('Mapped pages@user'));
  });
  test('splice file -> pipe -> socket: no CPU copy; into a file: one', () => {
    const a = model('splice', file(), tcp(), 0, 2, pipe);
    assert.deepEqual(boxes(a), ['Disk@device', 'Page cache@kernel', 'Pipe@kernel', 'Socket buffer@kernel', 'NIC@device']);
    assert.equal(count(a, 'cpu'), 0);
    const b = model('splice', tcp(), file('/out'), 1, 2, pipe);
    assert.equal(count(b, 'cpu'), 1);
    assert.equal(b.boxes[0].label, 'NIC');
  });
  test('copy_file_range, vmsplice, tee', () => {
    assert.deepEqual(hops(model('copy_file_range', file(), file('/out'), 1, 2)), ['dma', 'cpu', 'dma']);
    assert.deepEqual(boxes(model('vmsplice', mem, pipe, 0, 0)), ['User memory@user', 'Pipe buffer@kernel']);
    assert.deepEqual(hops(model('tee', pipe, pipe, 0, 0)), ['ref']);
  });
  test('io_uring: unknown hops, nothing invented', () => {
    const m = model('io_uring', file(), file('/out'), null, null);
    assert.equal(count(m, 'unknown'), 2);
    assert.equal(count(m, 'cpu'), 0);
  });
  test('a warm page cache (fewer DMA copies than devices) is drawn as cached', () => {
    const m = model('read_write', file(), file('/out'), 2, 1);
    assert.deepEqual(hops(m), ['cached', 'cpu', 'cpu', 'dma']);
  });
  test('the CPU hops always match the analyzer when it can be drawn', () => {
    for (const strategy of ['read_write', 'pread_pwrite', 'readv_writev', 'recv_write', 'mmap_write', 'sendfile', 'splice', 'copy_file_range', 'msg_zerocopy'] as Strategy[]) {
      for (const cpu of [0, 1, 2]) {
        const m = model(strategy, file(), tcp(), cpu, 2, strategy === 'splice' ? pipe : undefined);
        const drawn = count(m, 'cpu');
        if (drawn !== cpu) assert.ok(m.notes.some((n) => n.includes(`${cpu} CPU copies`)), `${strategy} cpu=${cpu} drew ${drawn} without a note`);
      }
    }
  });
  test('peerAddress', () => {
    assert.equal(peerAddress('127.0.0.1:48990->127.0.0.1:15501'), '127.0.0.1:15501');
    assert.equal(peerAddress('/run/x.sock'), '/run/x.sock');
  });
});

describe('data-path model, pipe ends', () => {
  test('splice from a file into a pipe needs no extra pipe box', () => {
    const m = model('splice', file(), pipe, 0, 1);
    assert.deepEqual(boxes(m), ['Disk@device', 'Page cache@kernel', 'Pipe buffer@kernel']);
    assert.deepEqual(hops(m), ['dma', 'ref']);
  });
  test('splice from a pipe into a file: one CPU copy', () => {
    assert.deepEqual(hops(model('splice', pipe, file('/out'), 1, 1)), ['cpu', 'dma']);
  });
});
