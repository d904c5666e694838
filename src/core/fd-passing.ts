// SCM_RIGHTS: descriptors one process sends over a unix socket arrive in the receiver's table under
// new numbers. Without -y the receiver's recvmsg shows only those numbers (`cmsg_data=[3]`); the
// sender's sendmsg (`cmsg_data=[4]`) says, through the sender's table, what they refer to.

import { decorationEnd, indexOutsideStrings, parseFdArg } from '../strace-parser/args';
import type { FdRef } from './event-args';
import type { FdObject } from './fd-table';

/** Messages sent with descriptors and not received yet, at most (a receiver that never reads them must not grow memory). */
const MAX_IN_FLIGHT = 64;

/**
 * The descriptors of every `cmsg_type=SCM_RIGHTS, cmsg_data=[...]` of a sendmsg/recvmsg message, in
 * order; [] when it passes none. Printed buffers are skipped: their bytes may say anything.
 */
export function passedFds(text: string): FdRef[] {
  const refs: FdRef[] = [];
  for (let at = indexOutsideStrings(text, 'SCM_RIGHTS', 0); at >= 0; at = indexOutsideStrings(text, 'SCM_RIGHTS', at + 1)) {
    const list = text.indexOf('cmsg_data=[', at);
    // The list belongs to this control message only when no `}` closes the message before it.
    if (list < 0 || text.lastIndexOf('}', list) > at) continue;
    let item = list + 'cmsg_data=['.length;
    for (;;) {
      const end = itemEnd(text, item);
      const ref = parseFdArg(text.slice(item, end), true);
      if (ref !== null) refs.push(ref);
      if (end >= text.length || text.charCodeAt(end) !== 44 /* , */) break;
      item = end + 1;
    }
  }
  return refs;
}

/** Where an fd item of a cmsg_data list ends (its `,` or `]`): `4`, `4</tmp/in>`, `4<UNIX-STREAM:[1->2]>`. */
function itemEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 60 /* < */) {
      const close = decorationEnd(text, i, text.length);
      if (close < 0) return text.length;
      i = close;
    } else if (c === 44 /* , */ || c === 93 /* ] */) return i;
  }
  return text.length;
}

interface Message {
  /** The unix socket it was sent on, by endpoint path (a socketpair's two ends share theirs). */
  channel: string;
  objects: Array<FdObject | null>;
}

/** Descriptors sent and not yet received, oldest first. */
export class FdsInFlight {
  private readonly messages: Message[] = [];

  send(channel: string, objects: Array<FdObject | null>): void {
    this.messages.push({ channel, objects });
    if (this.messages.length > MAX_IN_FLIGHT) this.messages.shift();
  }

  /**
   * The objects of the oldest message sent on `channel`; failing that (sockets connected by path have
   * no common name without -y), the one message in flight that passed as many descriptors, if only
   * one did (two senders' messages cannot be told apart: their descriptors stay unnamed).
   */
  receive(channel: string, count: number): Array<FdObject | null> | undefined {
    let index = this.messages.findIndex((message) => message.channel === channel);
    if (index < 0) {
      const sameCount = this.messages.filter((message) => message.objects.length === count);
      index = sameCount.length === 1 && sameCount[0] !== undefined ? this.messages.indexOf(sameCount[0]) : -1;
    }
    if (index < 0) return undefined;
    return this.messages.splice(index, 1)[0]?.objects;
  }
}
