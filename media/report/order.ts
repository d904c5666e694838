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

/**
 * The transfers in `order` (unknown figures last). Ties go to the other cost (CPU bytes copied or
 * mode switches), then the trace's order: the charts pick their transfers with the same order, so a
 * chart's bars are the first cards.
 */
export function orderedTransfers(transfers: readonly Transfer[], order: TransferOrder): Transfer[] {
  if (order === 'trace') return [...transfers];
  const cost = (t: Transfer): number => t.cpuBytesCopied ?? -1;
  const key = (t: Transfer): number => (order === 'cost' ? cost(t) : order === 'switches' ? t.modeSwitches : (t.bytes ?? -1));
  const tie = (t: Transfer): number => (order === 'switches' ? cost(t) : t.modeSwitches);
  return transfers
    .map((t, i) => ({ t, i, k: key(t), k2: tie(t) }))
    .sort((a, b) => b.k - a.k || b.k2 - a.k2 || a.i - b.i)
    .map((x) => x.t);
}
