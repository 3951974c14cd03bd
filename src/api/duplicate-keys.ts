/**
 * Finds the first repeated key in any object of a JSON text, as a dotted path (`policies.0.config.requests`),
 * or null. JSON.parse keeps the last duplicate silently, so `{"role":"viewer","role":"admin"}` would mean
 * whatever the parser's author chose; we refuse such bodies instead (400), which also defeats
 * parser-differential tricks between a proxy in front of us and us.
 * Expects text that JSON.parse has already accepted, so it only tracks structure, not grammar.
 */
type Frame = { kind: 'object'; keys: Set<string>; key: string | null } | { kind: 'array'; index: number };

export function findDuplicateKey(text: string): string | null {
  const stack: Frame[] = [];
  const pathTo = (last: string) => [...stack.slice(0, -1).map((f) => (f.kind === 'object' ? f.key : String(f.index))), last].join('.');
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && nextSignificant(text, end) === ':') {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) return pathTo(key);
        top.keys.add(key);
        top.key = key;
      }
      i = end;
      continue;
    }
    if (ch === '{') stack.push({ kind: 'object', keys: new Set(), key: null });
    else if (ch === '[') stack.push({ kind: 'array', index: 0 });
    else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.index++;
    }
    i++;
  }
  return null;
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '"') return i + 1;
    else i++;
  }
  return i;
}

function nextSignificant(text: string, from: number): string | undefined {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return text[i];
}
