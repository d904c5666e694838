// Keyboard: transfers are tab stops; on a transfer, Enter (or Space) reveals its trace lines,
// ArrowDown/ArrowUp (or j/k) move to the next/previous transfer, Home/End to the first/last.

export function installKeyboard(root: HTMLElement, onFocusTransfer: (id: string) => void): void {
  root.addEventListener('keydown', (ev) => {
    const target = ev.target as HTMLElement | null;
    if (!target || !target.classList.contains('transfer')) return;
    const all = [...root.querySelectorAll<HTMLElement>('.transfer')];
    const i = all.indexOf(target);
    let next: HTMLElement | undefined;
    switch (ev.key) {
      case 'Enter':
      case ' ':
        ev.preventDefault();
        target.click();
        return;
      case 'ArrowDown':
      case 'j':
        next = all[i + 1];
        break;
      case 'ArrowUp':
      case 'k':
        next = all[i - 1];
        break;
      case 'Home':
        next = all[0];
        break;
      case 'End':
        next = all[all.length - 1];
        break;
      default:
        return;
    }
    if (next) {
      ev.preventDefault();
      next.focus();
    }
  });
  root.addEventListener('focusin', (ev) => {
    const t = ev.target as HTMLElement | null;
    const id = t?.classList.contains('transfer') ? t.dataset.id : undefined;
    if (id) onFocusTransfer(id);
  });
}
