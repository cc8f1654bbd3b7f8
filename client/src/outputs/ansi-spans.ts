import Anser from 'anser';

/** A run of text with one ANSI style, ready to become a `<span>`. */
export interface AnsiSpan {
  text: string;
  className?: string;
  color?: string;
  background?: string;
}

/**
 * Splits terminal text into styled runs. The 16 standard colours become classes (themed in CSS,
 * so they read well in light and dark); 256-palette and true colours become inline colours. Pure.
 */
export function ansiSpans(text: string): AnsiSpan[] {
  if (!text.includes('\u001b')) return text ? [{ text }] : [];
  const entries = Anser.ansiToJson(text, { use_classes: true, remove_empty: true });
  return entries.map((entry) => {
    const classes: string[] = [];
    const span: AnsiSpan = { text: entry.content };
    const fg = colour(entry.fg, entry.fg_truecolor);
    const bg = colour(entry.bg, entry.bg_truecolor);
    if (fg?.className) classes.push(`${fg.className}-fg`);
    if (bg?.className) classes.push(`${bg.className}-bg`);
    if (fg?.css) span.color = fg.css;
    if (bg?.css) span.background = bg.css;
    for (const decoration of entry.decorations ?? []) classes.push(`ansi-${decoration}`);
    if (classes.length) span.className = classes.join(' ');
    return span;
  });
}

function colour(value: string | null, truecolor: string | null): { className?: string; css?: string } | undefined {
  if (!value) return undefined;
  if (value === 'ansi-truecolor' && truecolor) return { css: `rgb(${truecolor})` };
  const palette = /^ansi-palette-(\d+)$/.exec(value);
  if (palette) return { css: paletteColour(Number(palette[1])) };
  return { className: value };
}

/** xterm's 256-colour palette above the first 16: a 6×6×6 cube, then 24 greys. */
export function paletteColour(index: number): string {
  if (index >= 232) {
    const level = 8 + (index - 232) * 10;
    return `rgb(${level}, ${level}, ${level})`;
  }
  const cube = index - 16;
  const steps = [0, 95, 135, 175, 215, 255];
  const r = steps[Math.floor(cube / 36) % 6];
  const g = steps[Math.floor(cube / 6) % 6];
  const b = steps[cube % 6];
  return `rgb(${r}, ${g}, ${b})`;
}
