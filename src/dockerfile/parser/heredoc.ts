/**
 * @module dockerfile/parser/heredoc
 * Finds heredoc markers (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`) in a RUN, COPY or ADD line.
 * A quoted delimiter (any part quoted) turns expansion of the body off.
 */
const markerRe = /^(\d*)<<(-?)([^<]*)$/;

/** Words of a line split on unquoted whitespace, quotes and escapes kept as written. */
function rawWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      word += ch;
      if (ch === quote) quote = '';
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) word += line[++i]!;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === "'" || ch === '"') quote = ch;
    if (ch === '\\' && i + 1 < line.length) {
      word += ch + line[++i]!;
      continue;
    }
    word += ch;
  }
  if (inWord) words.push(word);
  return words;
}

export interface HeredocMarker {
  name: string;
  expand: boolean;
  chomp: boolean;
  fileDescriptor: number;
}

/** The heredoc markers of a line, in order. */
export function heredocMarkers(line: string): HeredocMarker[] {
  const out: HeredocMarker[] = [];
  for (const w of rawWords(line)) {
    const m = markerRe.exec(w);
    if (!m || m[3] === '') continue;
    const raw = m[3]!;
    const quoted = /['"]/.test(raw);
    const name = raw.replace(/\\(.)/g, '$1').replace(/['"]/g, '');
    if (name === '' || /\s/.test(name)) continue;
    out.push({ name, expand: !quoted, chomp: m[2] === '-', fileDescriptor: m[1] ? Number(m[1]) : 0 });
  }
  return out;
}
