// Colours come from VS Code's theme variables only (light, dark and high contrast alike), read with
// getComputedStyle because a canvas cannot use CSS variables. Fallbacks cover the standalone report.

import { opaque } from './colour';

export interface Palette {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  red: string;
  blue: string;
  green: string;
  yellow: string;
  orange: string;
  purple: string;
  font: string;
  series: string[];
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}


export function readPalette(): Palette {
  const st = getComputedStyle(document.body);
  const p = {
    foreground: cssVar(st, '--vscode-foreground', '#cccccc'),
    muted: cssVar(st, '--vscode-descriptionForeground', '#9d9d9d'),
    grid: cssVar(st, '--vscode-editorWidget-border', cssVar(st, '--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    background: cssVar(st, '--vscode-editor-background', '#1e1e1e'),
    red: opaque(cssVar(st, '--vscode-charts-red', '#f14c4c')),
    blue: opaque(cssVar(st, '--vscode-charts-blue', '#3794ff')),
    green: opaque(cssVar(st, '--vscode-charts-green', '#89d185')),
    yellow: opaque(cssVar(st, '--vscode-charts-yellow', '#cca700')),
    orange: opaque(cssVar(st, '--vscode-charts-orange', '#d18616')),
    purple: opaque(cssVar(st, '--vscode-charts-purple', '#b180d7')),
    font: cssVar(st, '--vscode-font-family', 'system-ui, sans-serif'),
  };
  return { ...p, series: [p.blue, p.orange, p.green, p.purple, p.yellow, p.red, p.foreground, p.muted] };
}

/** Calls the callback when VS Code switches theme (it rewrites the body's class list). */
export function onThemeChange(cb: () => void): void {
  let last = document.body.className;
  new MutationObserver(() => {
    if (document.body.className !== last) {
      last = document.body.className;
      cb();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
