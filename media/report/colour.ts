// Colour helpers without the DOM (unit-tested on plain Node).

/**
 * A chart colour without its alpha: Light Modern's `--vscode-charts-orange` is rgba(234,92,0,0.33),
 * a pale peach at 1.5:1 against the page; marks and text need the full colour.
 */
export function opaque(colour: string): string {
  const rgba = /^rgba\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*[\d.]+\s*\)$/.exec(colour);
  if (rgba !== null) return `rgb(${rgba[1]}, ${rgba[2]}, ${rgba[3]})`;
  if (/^#[0-9a-fA-F]{8}$/.test(colour)) return colour.slice(0, 7);
  if (/^#[0-9a-fA-F]{4}$/.test(colour)) return colour.slice(0, 4);
  return colour;
}
