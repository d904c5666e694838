// The order of the report's transfer cards. Costliest first by default: on a big trace the few
// transfers worth a look (hundreds of MiB copied by the CPU) were the last of 5,000, 50 pages down.

import type { Transfer } from '../../src/core/report-types';
import type { TransferOrder } from '../../src/protocol/messages';

export const ORDER_LABELS: Record<TransferOrder, string> = {
  cost: 'CPU bytes copied (most first)',
  switches: 'mode switches (most first)',
  bytes: 'bytes moved (most first)',
  trace: 'trace order',
};

/** The transfers in `order`; ties (and unknown figures, last) keep the trace's order. */
export function orderedTransfers(transfers: readonly Transfer[], order: TransferOrder): Transfer[] {
  if (order === 'trace') return [...transfers];
  const key = (t: Transfer): number => (order === 'cost' ? (t.cpuBytesCopied ?? -1) : order === 'switches' ? t.modeSwitches : (t.bytes ?? -1));
  return transfers
    .map((t, i) => ({ t, i, k: key(t) }))
    .sort((a, b) => b.k - a.k || a.i - b.i)
    .map((x) => x.t);
}
