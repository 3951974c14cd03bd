import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { usageError } from '../errors.ts';
import { invalidFile } from './problems.ts';
import { validateDocument, type ApplyDocument } from './schema.ts';

/**
 * File (or stdin) → validated document. YAML is read with the core schema: plain JSON types only, so a date-like
 * value stays a string and no YAML-specific tags (!!binary, !!timestamp…) sneak in; JSON, a subset of YAML, works too.
 * js-yaml refuses duplicate keys, which would otherwise silently keep the last one.
 */
export function parseDocument(text: string, source: string): ApplyDocument {
  let value: unknown;
  try {
    value = yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: source });
  } catch (error) {
    const e = error as { reason?: string; mark?: { line: number; column: number }; message?: string };
    const where = e.mark ? `line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
    throw invalidFile(source, [{ path: where, message: e.reason ?? e.message ?? 'not YAML' }]);
  }
  if (value === undefined || value === null) throw invalidFile(source, [{ path: '', message: 'the file is empty' }]);
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidFile(source, [{ path: '', message: 'must be a mapping with apiVersion: gatehouse/v1 and lists of environments, apis, tiers, apps, contracts' }]);
  const { document, problems } = validateDocument(value);
  if (!document) throw invalidFile(source, problems);
  return document;
}

/** `-` reads stdin, so `… | gatehouse apply -f -` works. */
export async function readSource(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<{ text: string; source: string }> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return { text: Buffer.concat(chunks).toString('utf8'), source: '(stdin)' };
  }
  try {
    return { text: await readFile(file, 'utf8'), source: file };
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw usageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message}`);
  }
}
