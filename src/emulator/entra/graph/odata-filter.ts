import type { GraphJson } from '../directory/model.ts';
import { DirectoryError } from '../directory/errors.ts';

/**
 * `$filter` as the directory supports it: eq, ne, startswith, endswith, in, ge/gt/le/lt (dates, numbers) and
 * `coll/any(x: x[/prop] eq v)`, joined by and/or without parentheses. String comparisons ignore case, as Graph's do.
 * ne and endswith are advanced queries (ConsistencyLevel: eventual).
 */
export const unsupported = (message = 'Unsupported Query.') => new DirectoryError(400, 'Request_UnsupportedQuery', message);

type Predicate = (item: GraphJson) => boolean;

export function compileFilter(filter: string, advanced: boolean): Predicate {
  const orParts = splitTopLevel(filter, 'or');
  const alternatives = orParts.map((part) => splitTopLevel(part, 'and').map((clause) => compileClause(clause.trim(), advanced)));
  return (item) => alternatives.some((all) => all.every((p) => p(item)));
}

function compileClause(clause: string, advanced: boolean): Predicate {
  let m: RegExpExecArray | null;
  if ((m = /^(startswith|endswith)\(\s*([\w/]+)\s*,\s*'((?:[^']|'')*)'\s*\)$/i.exec(clause))) {
    const [, fn, path, raw] = m;
    const value = raw!.replace(/''/g, "'").toLowerCase();
    if (fn!.toLowerCase() === 'endswith' && !advanced) throw unsupported();
    return (item) => {
      const v = read(item, path!);
      return typeof v === 'string' && (fn!.toLowerCase() === 'startswith' ? v.toLowerCase().startsWith(value) : v.toLowerCase().endsWith(value));
    };
  }
  if ((m = /^([\w/]+)\/any\(\s*(\w+)\s*:\s*\2((?:\/\w+)*)\s+eq\s+(.+)\)$/i.exec(clause))) {
    const [, path, , subPath, literal] = m;
    const value = parseLiteral(literal!.trim());
    return (item) => {
      const v = read(item, path!);
      return Array.isArray(v) && v.some((x) => equal(subPath ? read(x as GraphJson, subPath.slice(1)) : x, value));
    };
  }
  if ((m = /^([\w/]+)\s+(ge|gt|le|lt)\s+(.+)$/i.exec(clause))) {
    const [, path, op, literal] = m;
    const value = parseLiteral(literal!.trim());
    const limit = typeof value === 'string' ? Date.parse(value) : Number(value);
    if (Number.isNaN(limit)) throw unsupported(`Invalid literal: ${literal}`);
    return (item) => {
      const raw = read(item, path!);
      const v = typeof raw === 'string' ? Date.parse(raw) : Number(raw);
      return op === 'ge' ? v >= limit : op === 'gt' ? v > limit : op === 'le' ? v <= limit : v < limit;
    };
  }
  if ((m = /^([\w/]+)\s+in\s+\((.*)\)$/i.exec(clause))) {
    const [, path, list] = m;
    const values = splitList(list!).map(parseLiteral);
    return (item) => values.some((value) => equal(read(item, path!), value));
  }
  if ((m = /^([\w/]+)\s+(eq|ne)\s+(.+)$/i.exec(clause))) {
    const [, path, op, literal] = m;
    const value = parseLiteral(literal!.trim());
    if (op!.toLowerCase() === 'ne') {
      if (!advanced) throw unsupported();
      return (item) => !equal(read(item, path!), value);
    }
    return (item) => equal(read(item, path!), value);
  }
  throw unsupported(`Invalid filter clause: ${clause}`);
}

function read(item: GraphJson, path: string): unknown {
  let cur: unknown = item;
  for (const part of path.split('/')) cur = cur && typeof cur === 'object' ? (cur as GraphJson)[part] : undefined;
  return cur;
}

function equal(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') return actual.toLowerCase() === expected.toLowerCase();
  return (actual ?? null) === expected;
}

function parseLiteral(raw: string): unknown {
  if (/^'((?:[^']|'')*)'$/.test(raw)) return raw.slice(1, -1).replace(/''/g, "'");
  if (raw === 'null') return null;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (/^[0-9a-f-]{36}$/i.test(raw)) return raw;
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(raw)) return raw;
  throw unsupported(`Invalid literal: ${raw}`);
}

function splitList(list: string): string[] {
  return splitOutsideQuotes(list, (s, i) => (s[i] === ',' ? 1 : 0)).map((x) => x.trim()).filter(Boolean);
}

function splitTopLevel(expr: string, word: 'and' | 'or'): string[] {
  const needle = ` ${word} `;
  return splitOutsideQuotes(expr, (s, i) => (s.slice(i, i + needle.length).toLowerCase() === needle ? needle.length : 0));
}

/** Splits where `at` matches, ignoring text inside quotes and parentheses. */
function splitOutsideQuotes(s: string, at: (s: string, i: number) => number): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0) {
      const len = at(s, i);
      if (len > 0) {
        parts.push(s.slice(start, i));
        start = i + len;
        i = start - 1;
      }
    }
  }
  parts.push(s.slice(start));
  return parts;
}
