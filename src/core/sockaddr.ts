// Socket addresses as strace prints them (`{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}`,
// IPv6, unix paths, and the raw bytes -X prints), cut down to the text endpoints are named by.

import { decodeCString } from '../strace-parser/args';

/** `{sa_family=AF_INET, sin_port=htons(15505), sin_addr=inet_addr("127.0.0.1")}` -> `127.0.0.1:15505`. */
export function sockaddrText(text: string | undefined): string | null {
  if (text === undefined) return null;
  const port = portOf(text);
  const host = ipv4Of(text) ?? ipv6Of(text);
  if (host === null) {
    const unixPath = /sun_path=("(?:[^"\\]|\\.)*")/.exec(text)?.[1];
    return unixPath !== undefined ? (decodeCString(unixPath)?.value ?? null) : null;
  }
  return port !== null ? `${host}:${port}` : host;
}

/**
 * The address a datagram call names: sendto/recvfrom's sockaddr, or a msghdr's msg_name (sendmsg,
 * recvmsg; sendmmsg/recvmmsg: the first message's). Its iovecs' bytes are no address.
 */
export function datagramAddress(text: string | undefined): string | null {
  if (text === undefined) return null;
  const name = text.indexOf('msg_name={');
  if (name < 0) return text.includes('msg_name=') ? null : sockaddrText(text);
  return sockaddrText(text.slice(name, text.indexOf('}', name) + 1));
}

/** `sin_port=htons(9951)`; -X raw / verbose print the two bytes instead: `sin_port="\x26\xdf"`. */
function portOf(text: string): string | null {
  const decoded = /sin6?_port=htons\((\d+)\)/.exec(text)?.[1];
  if (decoded !== undefined) return decoded;
  const raw = /sin6?_port="\\x([0-9a-fA-F]{2})\\x([0-9a-fA-F]{2})"/.exec(text);
  return raw !== null ? String(parseInt(raw[1] ?? '0', 16) * 256 + parseInt(raw[2] ?? '0', 16)) : null;
}

/** `inet_addr("127.0.0.1")` (-xx escapes its text: `inet_addr("\x31\x32...")`); -X raw: `sin_addr="\x7f\x00\x00\x01"`. */
function ipv4Of(text: string): string | null {
  const quoted = /inet_addr\(("(?:[^"\\]|\\.)*")\)/.exec(text)?.[1];
  if (quoted !== undefined) return decodeCString(quoted)?.value ?? null;
  const raw = /sin_addr="\\x([0-9a-fA-F]{2})\\x([0-9a-fA-F]{2})\\x([0-9a-fA-F]{2})\\x([0-9a-fA-F]{2})"/.exec(text);
  return raw !== null ? raw.slice(1, 5).map((b) => parseInt(b, 16)).join('.') : null;
}

function ipv6Of(text: string): string | null {
  const quoted = /inet_pton\(AF_INET6, ("(?:[^"\\]|\\.)*")/.exec(text)?.[1];
  const value = quoted !== undefined ? decodeCString(quoted)?.value : undefined;
  return value !== undefined ? `[${value}]` : null;
}
