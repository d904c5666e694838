// The analysis's hot path reads a call's first argument in place (TraceSyscall.leadingDecoratedFd and
// firstArgDecoratedAs) instead of cutting and parsing it: on every call of every corpus trace, both
// must agree with what parseFdArg finds in the cut argument, for calls on one line and for merged
// `<unfinished ...>`/`<... resumed>` pairs, before and after the event is detached from its chunk.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFdArg, parseTraceFiles, parseTraceText, TraceSyscall } from '../../src/strace-parser';
import { loadCorpusCases } from './support/corpus';

/** No backslash and no `<`/`>` outside brackets: the decorations the in-place comparison is for. */
function isPlain(decoration: string): boolean {
  let inBracket = false;
  for (const c of decoration) {
    if (c === '\\') return false;
    if (inBracket) inBracket = c !== ']';
    else if (c === '[') inBracket = true;
    else if (c === '<' || c === '>') return false;
  }
  return decoration.length > 0 && !inBracket;
}

interface InPlace {
  fd: number;
  matchesOwn: boolean | null;
  matchesShorter: boolean | null;
}

/** Asks the in-place questions (the decoration to compare with, when the call starts with a decorated fd, comes from `decoration`). */
function askInPlace(event: TraceSyscall, decoration: string | null): InPlace {
  const fd = event.leadingDecoratedFd();
  const plain = fd >= 0 && decoration !== null && isPlain(decoration);
  return {
    fd,
    matchesOwn: plain ? event.firstArgDecoratedAs(decoration) : null,
    matchesShorter: plain && decoration.length > 1 ? event.firstArgDecoratedAs(decoration.slice(0, -1)) : null,
  };
}

/** What the general way finds in each strace call's first argument, by event index (null: not a strace call). */
async function firstArgsByParse(file: string): Promise<Array<{ fd: number; path: string | null; detail: string | null } | null | undefined>> {
  const refs: Array<{ fd: number; path: string | null; detail: string | null } | null | undefined> = [];
  await parseTraceFiles([file], {
    event(event) {
      if (!(event instanceof TraceSyscall) || event.perfStyle) refs.push(undefined);
      else refs.push(event.args[0] === undefined ? null : parseFdArg(event.args[0], false));
    },
    diagnostic() {},
  });
  return refs;
}

test('first fd argument read in place agrees with parseFdArg on every corpus call', async () => {
  const counts = { calls: 0, decorated: 0, merged: 0, comparedInPlace: 0 };
  for (const corpusCase of loadCorpusCases()) {
    for (const file of corpusCase.files) {
      // Parsed twice: the second parse asks in place, inside event() (the chunk is the text source
      // then), with the decorations the first parse cut out of the same calls.
      const refs = await firstArgsByParse(file);
      let index = 0;
      await parseTraceFiles([file], {
        event(event) {
          const ref = refs[index++];
          if (!(event instanceof TraceSyscall) || event.perfStyle || ref === undefined) return;
          counts.calls++;
          const decoration = ref !== null && ref.detail === null ? ref.path : null;
          const before = askInPlace(event, decoration);
          const where = `${file}:${event.line} ${event.name}(${event.argText.slice(0, 60)}`;
          if (before.fd >= 0) {
            counts.decorated++;
            if (event.resumedLine !== undefined) counts.merged++;
            assert.ok(ref !== null && ref.path !== null, `${where}: a decorated fd`);
            assert.equal(before.fd, ref.fd, `${where}: fd number`);
          } else {
            assert.ok(ref === null || ref.path === null || ref.fd < 0, `${where}: a decorated fd the in-place read missed`);
          }
          if (before.matchesOwn !== null) {
            counts.comparedInPlace++;
            assert.equal(before.matchesOwn, true, `${where}: its own decoration`);
            if (before.matchesShorter !== null) assert.equal(before.matchesShorter, false, `${where}: a shorter decoration`);
          }
          // Detached (its texts now its own copies): same texts, same answers.
          const argText = event.argText;
          const resultText = event.resultText;
          event.detach();
          assert.equal(event.argText, argText, `${where}: argument text kept by detach()`);
          assert.equal(event.resultText, resultText, `${where}: result text kept by detach()`);
          assert.deepEqual(askInPlace(event, decoration), before, `${where}: answers after detach()`);
        },
        diagnostic() {},
      });
      assert.equal(index, refs.length, `${file}: both parses saw the same events`);
    }
  }
  // The corpus exercises every branch: decorated fds (-y/-yy traces), merged pairs, in-place matches.
  assert.ok(counts.calls > 10_000, `calls checked: ${counts.calls}`);
  assert.ok(counts.decorated > 1_000, `decorated first arguments: ${counts.decorated}`);
  assert.ok(counts.merged > 50, `merged calls with a decorated first argument: ${counts.merged}`);
  assert.ok(counts.comparedInPlace > 1_000, `in-place comparisons: ${counts.comparedInPlace}`);
});

test('in-place first argument: what must follow the decoration, on one line and across a merged pair', () => {
  const lines = [
    '100 read(3</tmp/a>, "x", 1) = 1',
    '100 read(3</tmp/a>b>, "x", 1) = 1',
    '100 close(3</tmp/a> <unfinished ...>',
    '100 <... close resumed>) = 0',
    '100 read(3</tmp/a> <unfinished ...>',
    '100 <... read resumed>b>, "x", 1) = 1',
    '100 read(3</tmp/a>, <unfinished ...>',
    '100 <... read resumed>"x", 1) = 1',
    '100 read(13<TCP:[127.0.0.1:1->127.0.0.1:2]>, "x", 1) = 1',
  ];
  const seen: Array<[number, boolean, boolean]> = [];
  parseTraceText(lines.join('\n') + '\n', 'fast-path.trace', {
    event(event) {
      if (!(event instanceof TraceSyscall)) return;
      const decoration = event.line === lines.length ? 'TCP:[127.0.0.1:1->127.0.0.1:2]' : '/tmp/a';
      // In place (before argText is read: the getter caches the joined text) and after detach().
      const inPlace = event.firstArgDecoratedAs(decoration);
      const fd = event.leadingDecoratedFd();
      event.detach();
      assert.equal(event.firstArgDecoratedAs(decoration), inPlace, `line ${event.line}: same answer once detached`);
      seen.push([fd, inPlace, event.resumedLine !== undefined]);
    },
    diagnostic(d) {
      assert.fail(`unexpected diagnostic: ${d.message}`);
    },
  });
  assert.deepEqual(seen, [
    [3, true, false],
    [3, false, false], // `3</tmp/a>b>`: the argument goes on after the `>`
    [3, true, true], // close(3</tmp/a>) split in two, nothing after the fd
    [3, false, true], // the resumed part continues the argument
    [3, true, true], // the resumed part starts the next argument
    [13, true, false], // `->` inside the brackets is not the decoration's end
  ]);
});
