#!/usr/bin/env python3
"""check_live.py - run tracecheck.py's fd-following counter over one trace for a list of transfers.

Used by test/support/tracecheck.ts to verify the expectations of test/support/live-workloads.ts against a
trace recorded live, with the same independent parser that checked the corpus ground truth (capture.py).

Input (stdin, JSON):  {"trace": PATH, "perf": bool, "default_pid": "main", "clauses": [[clause, ...], ...]}
  one clause list per expected transfer, in tracecheck.analyze's format.
Output (stdout, JSON): {"first_pid": PID or null,
                        "results": [{PID: {"counts": {...}, "bytes": N, "aux_bytes": N, "fds": {...}}}, ...],
                        "hist": {PID: {syscall: count}}}
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracecheck  # noqa: E402


def main():
    job = json.load(sys.stdin)
    perf = bool(job.get('perf'))
    default_pid = job.get('default_pid', 'main')
    results, hist = tracecheck.analyze(job['trace'], job['clauses'], perf=perf, default_pid=default_pid)
    first_pid = None
    events = tracecheck.parse_perf(job['trace']) if perf else tracecheck.parse_strace(job['trace'], default_pid)
    for ev in events:
        if ev.kind == 'syscall':
            first_pid = ev.pid
            break
    out = {
        'first_pid': first_pid,
        'results': [{str(pid): {'counts': dict(r['counts']), 'bytes': r['bytes'], 'aux_bytes': r['aux_bytes'],
                                'fds': {k: sorted(v) for k, v in r['fds'].items()}}
                     for pid, r in res.items()} for res in results],
        'hist': {str(k): dict(v) for k, v in hist.items()},
    }
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
