// Naming what an fd refers to: from a -y/-yy decoration, an open() path, or a socket address.

import type { Endpoint, EndpointKind } from './report-types';
import { keep } from './strings';

/** System locations whose reads are the loader's or a runtime's, not the program's payload. */
const ANCILLARY_PREFIXES = ['/etc/', '/usr/', '/lib/', '/lib64/', '/proc/', '/sys/', '/run/', '/var/lib/', '/var/cache/'];
const ANCILLARY_SUFFIXES = ['.pyc', '.so', '.mo', '.cache', '.conf'];

/**
 * The stated rule that keeps loader and config reads out of the transfer list: a regular file is
 * ancillary when it lives under a system prefix (/etc, /usr, /lib, /lib64, /proc, /sys, /run,
 * /var/lib, /var/cache) or is a shared object (`*.so`, `*.so.N`), Python bytecode (`*.pyc`), a
 * message catalog (`*.mo`) or a `*.conf`/`*.cache` file. Reads of such files never start a
 * transfer and their file mappings never feed an mmap_write transfer.
 */
export function isAncillaryPath(path: string): boolean {
  for (const prefix of ANCILLARY_PREFIXES) if (path.startsWith(prefix)) return true;
  for (const suffix of ANCILLARY_SUFFIXES) if (path.endsWith(suffix)) return true;
  return /\.so(\.\d+)+$/.test(path);
}

function isLoopbackAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h.startsWith('127.') || h === '::1' || h === 'localhost' || h.startsWith('::ffff:127.');
}

/** Splits `127.0.0.1:57706->127.0.0.1:15507` (or `[::1]:80->[::1]:5000`) into its two hosts. */
function hostsOf(addressPair: string): string[] {
  return addressPair.split('->').map((side) => {
    const colon = side.lastIndexOf(':');
    return colon > 0 ? side.slice(0, colon) : side;
  });
}

/** The wildcard address a listener binds to: the connection's own side is whichever address the peer reached. */
function isWildcardAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '::ffff:0.0.0.0';
}

/**
 * A socket named by its address (`127.0.0.1:9911`), or its pair (`a:1->b:2`, `->b:2`): loopback when
 * every host is, or is a wildcard beside a loopback one (accepted on `0.0.0.0` from `127.0.0.1`).
 */
export function socketEndpoint(kind: EndpointKind, inner: string): Endpoint {
  const endpoint: Endpoint = { kind, path: inner };
  if (isLoopbackConnection(inner.split('->'))) endpoint.loopback = true;
  return endpoint;
}

/** Addresses (`host:port`) of a connection's ends, as far as known: on loopback by the rule of socketEndpoint(). */
export function isLoopbackConnection(addresses: readonly string[]): boolean {
  const hosts = hostsOf(addresses.join('->')).filter((h) => h.length > 0 && /[.:]/.test(h));
  return hosts.some(isLoopbackAddress) && hosts.every((h) => isLoopbackAddress(h) || isWildcardAddress(h));
}

/**
 * Endpoint from a strace -y/-yy decoration (the text inside `fd<...>`, already split from any nested
 * `<char 1:3>` detail): `/tmp/x`, `TCP:[127.0.0.1:1->127.0.0.1:2]`, `pipe:[61613]`, `anon_inode:[io_uring]`,
 * `socket:[38834]`, `UNIX-STREAM:[123->456]`, `/dev/pts/0`.
 */
export function endpointFromDecoration(rawDecoration: string, detail: string | null = null): Endpoint {
  const decoration = keep(rawDecoration);
  if (decoration.startsWith('/')) return pathEndpoint(decoration, detail);
  const bracket = decoration.indexOf(':[');
  if (bracket > 0 && decoration.endsWith(']')) {
    const tag = decoration.slice(0, bracket);
    const inner = decoration.slice(bracket + 2, -1);
    if (tag.startsWith('TCP')) return socketEndpoint('tcp', inner);
    if (tag.startsWith('UDP')) return socketEndpoint('udp', inner);
    // A bound unix socket's path is printed with octal escapes like a file's: named in UTF-8 too.
    if (tag.startsWith('UNIX')) return { kind: 'unix', path: utf8Name(decoration) };
    if (tag === 'pipe') return { kind: 'pipe', path: decoration };
    if (tag === 'socket') return { kind: 'other', path: decoration };
    return { kind: 'other', path: decoration };
  }
  return { kind: 'other', path: decoration };
}

/** Endpoint of a path opened by the program; `detail` is -yy's device note (`char 1:3`). */
export function endpointFromPath(rawPath: string, detail: string | null = null): Endpoint {
  return pathEndpoint(keep(rawPath), detail);
}

/** endpointFromPath() for a path already copied out of the parser's chunk. */
function pathEndpoint(escapedPath: string, detail: string | null): Endpoint {
  const path = utf8Name(escapedPath);
  // A memfd, as -y names it (`/memfd:cache`): memory, as memfd_create names it when the trace has no -y.
  if (path.startsWith('/memfd:')) return { kind: 'memory', path: path.slice(1) };
  // POSIX shared memory and anything else under /dev/shm: regular files on tmpfs, whose pages are their storage.
  if (path.startsWith('/dev/shm/')) return detail !== null && detail.startsWith('char ') ? { kind: 'dev', path } : { kind: 'file', path, inMemory: true };
  if (path.startsWith('/dev/')) {
    if (/^\/dev\/(pts\/|tty|console)/.test(path) || (detail !== null && /^char 136:|^char 4:|^char 5:/.test(detail))) return { kind: 'tty', path };
    // A disk, a partition, a loop device (-yy: `<block 7:0>`): storage, not a /dev/zero-like device.
    if (detail !== null && detail.startsWith('block ')) return { kind: 'dev', path, storage: true };
    return { kind: 'dev', path };
  }
  if (detail !== null && detail.startsWith('char ')) return { kind: 'dev', path };
  return { kind: 'file', path };
}

/**
 * strace prints a name's non-ASCII bytes as octal escapes (`\303\261`), which decode to one char per
 * byte: the name as the user knows it is those bytes read as UTF-8 (kept as they are when they are not UTF-8).
 */
export function utf8Name(bytesAsChars: string): string {
  // Only strings of byte chars (0-255) with some above 127 are bytes to decode; \x00 bounds that range.
  // eslint-disable-next-line no-control-regex
  if (!/[\x80-\xff]/.test(bytesAsChars) || /[^\x00-\xff]/.test(bytesAsChars)) return bytesAsChars;
  try {
    return UTF8.decode(Buffer.from(bytesAsChars, 'latin1'));
  } catch {
    return bytesAsChars;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Identity of what an endpoint names, for matching the same object across fds (pipe ends, reopened files). */
export function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.kind}:${endpoint.path}`;
}

/** DMA copies an endpoint costs per payload byte (io-model.md). */
export function dmaCopiesOf(endpoint: Endpoint): number {
  switch (endpoint.kind) {
    case 'file':
      return endpoint.inMemory === true ? 0 : 1;
    case 'dev':
      return endpoint.storage === true ? 1 : 0;
    case 'tcp':
    case 'udp':
      return endpoint.loopback === true ? 0 : 1;
    default:
      return 0;
  }
}

export function isSocketKind(kind: EndpointKind): boolean {
  return kind === 'tcp' || kind === 'udp' || kind === 'unix';
}

export function describeEndpoint(endpoint: Endpoint): string {
  return endpoint.kind === 'file' || endpoint.kind === 'dev' || endpoint.kind === 'tty' ? endpoint.path : `${endpoint.kind} ${endpoint.path}`;
}
