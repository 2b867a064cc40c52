/**
 * @module cli/format/tabwriter
 * Aligns tab-separated cells into columns as Go's text/tabwriter does. docker's tables use
 * minwidth 10, padding 3 (the defaults here). A column's width is its widest cell plus the
 * padding, at least minwidth; the last cell of a line
 * is never padded. Column blocks end at lines with fewer cells, as in Go.
 */
export interface TabOptions {
  minWidth?: number;
  padding?: number;
}

function width(s: string): number {
  // Count code points; East Asian wide characters count as in Go (one per rune).
  return [...s].length;
}

export function tabulate(text: string, opts: TabOptions = {}): string {
  const minWidth = opts.minWidth ?? 10;
  const padding = opts.padding ?? 3;
  const lines = text.split('\n');
  const cells = lines.map((l) => l.split('\t'));
  const out: string[] = [];
  // Go's tabwriter: a column is a run of consecutive lines that have a cell in that column.
  const widths: number[][] = cells.map((c) => new Array<number>(Math.max(c.length - 1, 0)).fill(0));
  for (let col = 0; ; col++) {
    let any = false;
    let i = 0;
    while (i < cells.length) {
      if (cells[i]!.length - 1 <= col) {
        i++;
        continue;
      }
      any = true;
      let j = i;
      let w = 0;
      while (j < cells.length && cells[j]!.length - 1 > col) {
        w = Math.max(w, width(cells[j]![col]!) + padding);
        j++;
      }
      w = Math.max(w, minWidth);
      for (let k = i; k < j; k++) widths[k]![col] = w;
      i = j;
    }
    if (!any) break;
  }
  cells.forEach((c, li) => {
    let line = '';
    c.forEach((cell, ci) => {
      if (ci < c.length - 1) line += cell + ' '.repeat(Math.max(widths[li]![ci]! - width(cell), 0));
      else line += cell;
    });
    out.push(line);
  });
  return out.join('\n');
}
