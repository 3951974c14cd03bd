import type { EmulatorContext } from '../context.ts';
import type { GraphJson } from '../directory/model.ts';
import type { EmulatorRequest } from '../http.ts';
import { header } from '../http.ts';
import { DirectoryError } from '../directory/errors.ts';

/**
 * The OData query options Gatehouse (and typical clients) use against directory collections: $filter (eq, ne,
 * startswith, endswith, in, any() joined by and/or), $select, $top (1-999, default 100), $count, and paging with an
 * opaque $skiptoken in an absolute @odata.nextLink on the emulator's origin. ne/endswith/$count/$orderby are
 * "advanced queries" and need `ConsistencyLevel: eventual`, as in Graph.
 */
export const DEFAULT_PAGE_SIZE = 100;
const MAX_TOP = 999;

import { compileFilter, unsupported } from './odata-filter.ts';

export function listResponse(ctx: EmulatorContext, req: EmulatorRequest, items: GraphJson[], contextPath: string): GraphJson {
  const q = req.url.searchParams;
  const advanced = header(req, 'consistencylevel')?.toLowerCase() === 'eventual';
  const filter = q.get('$filter');
  let matched = filter ? items.filter(compileFilter(filter, advanced)) : items;
  const orderBy = q.get('$orderby');
  if (orderBy) matched = ordered(matched, orderBy, advanced);
  const top = parseTop(q.get('$top'));
  const offset = parseSkipToken(q.get('$skiptoken'));
  const page = matched.slice(offset, offset + top);
  const select = parseSelect(q.get('$select'), items[0]);
  const body: GraphJson = { '@odata.context': `${ctx.url}/${contextPath}` };
  if (q.get('$count') === 'true') {
    if (!advanced) throw unsupported('$count is only supported with the ConsistencyLevel:eventual header.');
    body['@odata.count'] = matched.length;
  }
  if (offset + top < matched.length) {
    const next = new URLSearchParams(q);
    next.set('$skiptoken', Buffer.from(JSON.stringify({ o: offset + top })).toString('base64url'));
    body['@odata.nextLink'] = `${ctx.url}${req.url.pathname}?${next.toString()}`;
  }
  body.value = page.map((item) => project(item, select));
  return body;
}

export function parseSelect(raw: string | null, sample: GraphJson | undefined): string[] | undefined {
  if (!raw) return undefined;
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (sample) {
    for (const name of names) {
      if (!(name in sample)) throw new DirectoryError(400, 'Request_BadRequest', `Could not find a property named '${name}' on type 'microsoft.graph.directoryObject'.`);
    }
  }
  return names;
}

export function project(item: GraphJson, select: string[] | undefined): GraphJson {
  if (!select) return item;
  const out: GraphJson = {};
  for (const [k, v] of Object.entries(item)) if (k.startsWith('@odata.')) out[k] = v;
  for (const name of select) if (name in item) out[name] = item[name];
  return out;
}

function parseTop(raw: string | null): number {
  if (raw === null) return DEFAULT_PAGE_SIZE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOP) {
    throw new DirectoryError(400, 'Request_BadRequest', `Invalid page size specified: '${raw}'. Must be between 1 and ${MAX_TOP} inclusive.`);
  }
  return n;
}

function parseSkipToken(raw: string | null): number {
  if (raw === null) return 0;
  try {
    const o = (JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch { /* fall through */ }
  throw new DirectoryError(400, 'Directory_InvalidSkipToken', 'The specified page token value has expired or is invalid.');
}

function ordered(items: GraphJson[], orderBy: string, advanced: boolean): GraphJson[] {
  const m = /^(\w+)(?:\s+(asc|desc))?$/i.exec(orderBy.trim());
  if (!m || !advanced) throw unsupported();
  const [, prop, dir] = m;
  const sign = dir?.toLowerCase() === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => sign * String(a[prop!] ?? '').localeCompare(String(b[prop!] ?? '')));
}
