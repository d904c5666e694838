// Long lists drawn a page at a time: a big trace has thousands of transfers, each with diagrams,
// and drawing them all at once froze the page for seconds (5,000 cards: 14 s, 2 GB).

import { h } from '../report/dom';

/** Items per page. */
export const PAGE_SIZE = 100;

/**
 * Appends items[from, from + pages * PAGE_SIZE) to `list`, then a "Show N more" button for the
 * rest. The button gives its place (and the keyboard focus) to the first item it adds; `onShown`
 * hears how many items are drawn (to restore as many later).
 */
export function appendPages<T>(
  list: HTMLElement,
  items: readonly T[],
  render: (item: T, index: number) => HTMLElement,
  options: { from?: number; pages?: number; focusFirst?: boolean; onShown?: (count: number) => void } = {},
): void {
  const from = options.from ?? 0;
  const end = Math.min(items.length, from + PAGE_SIZE * Math.max(1, options.pages ?? 1));
  let first: HTMLElement | undefined;
  for (let i = from; i < end; i++) {
    const el = render(items[i] as T, i);
    list.append(el);
    first ??= el;
  }
  // The button that was clicked is gone: without this the focus would fall back to the page.
  if (options.focusFirst === true) first?.focus();
  options.onShown?.(end);
  if (end >= items.length) return;
  const left = items.length - end;
  const more = h('button', { type: 'button', class: 'secondary show-more' }, `Show ${Math.min(PAGE_SIZE, left)} more (${left} not shown)`);
  more.addEventListener('click', () => {
    more.remove();
    appendPages(list, items, render, { from: end, focusFirst: true, onShown: options.onShown });
  });
  list.append(more);
}
