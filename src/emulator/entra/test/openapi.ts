import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv and ajv-formats are CommonJS; under NodeNext their default export is the module object.
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule.default }).default ?? AjvModule) as typeof AjvModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule.default }).default ?? addFormatsModule) as typeof addFormatsModule.default;

type Json = any;

/** One OpenAPI operation that matched a recorded call, with validators for its request and per-status responses. */
export interface MatchedOperation {
  template: string;
  method: string;
  request?: ValidateFunction;
  response(status: number): ValidateFunction | undefined;
}

/**
 * Loads the Graph OpenAPI subsets shipped in ../openapi and validates emulator bodies with ajv, following the README's
 * caveats: refs are re-rooted on an `$id`, and every `additionalProperties: {type: object}` is removed (otherwise
 * ajv would reject valid Graph bodies: each allOf part would forbid the other part's scalar properties).
 */
export class GraphSchemas {
  private readonly ajv: InstanceType<typeof Ajv>;
  private readonly docs: { id: string; paths: Json; prefix: string }[] = [];

  constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addFormat('base64url', /^[A-Za-z0-9_-]*={0,2}$/);
    this.ajv.addFormat('int32', true);
    this.ajv.addFormat('int64', true);
    this.ajv.addFormat('duration', true);
    this.load('graph-subset.yaml', 'graph', '/v1.0');
    this.load('graph-subset-beta-reports.yaml', 'graphBeta', '/beta');
  }

  private load(file: string, id: string, prefix: string): void {
    const path = fileURLToPath(new URL(`../openapi/${file}`, import.meta.url));
    const doc = clean(yaml.load(readFileSync(path, 'utf8')), id);
    this.ajv.addSchema({ $id: id, components: doc.components });
    this.docs.push({ id, paths: doc.paths, prefix });
  }

  match(method: string, urlPath: string): MatchedOperation | undefined {
    const pathOnly = decodeURIComponent(urlPath.split('?')[0]!);
    for (const doc of this.docs) {
      if (!pathOnly.startsWith(doc.prefix + '/')) continue;
      const rest = pathOnly.slice(doc.prefix.length);
      // Literal segments win over parameters (deletedItems/microsoft.graph.application vs deletedItems/{id}).
      const entries = Object.entries<Json>(doc.paths).sort(([a], [b]) => a.split('{').length - b.split('{').length);
      for (const [template, item] of entries) {
        if (!templateRegex(template).test(rest)) continue;
        const op = item[method.toLowerCase()];
        if (!op) continue;
        const requestSchema = this.resolve(op.requestBody)?.content?.['application/json']?.schema;
        return {
          template,
          method,
          request: requestSchema ? this.ajv.compile(requestSchema) : undefined,
          response: (status) => {
            const responses = op.responses ?? {};
            const entry = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
            const schema = this.resolve(entry)?.content?.['application/json']?.schema;
            return schema ? this.ajv.compile(schema) : undefined;
          },
        };
      }
    }
    return undefined;
  }

  private resolve(node: Json): Json {
    if (!node?.$ref) return node;
    const [id, pointer] = String(node.$ref).split('#');
    const root = (this.ajv.getSchema(id!)?.schema ?? {}) as Json;
    return this.resolve(pointer!.split('/').filter(Boolean).reduce((n: Json, k: string) => n?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], root));
  }
}

function templateRegex(template: string): RegExp {
  let source = '';
  for (const part of template.split(/(\{[^}]+\})/)) {
    if (/^\{[^}]+\}$/.test(part)) source += "[^/']+";
    else source += part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  }
  // Actions may be called with or without their namespace: /addPassword or /microsoft.graph.addPassword.
  source = source.replace(/microsoft\\\.graph\\\.(add|remove|restore)/g, '(?:microsoft\\.graph\\.)?$1');
  return new RegExp(`^${source}$`);
}

function clean(node: Json, id: string): Json {
  if (Array.isArray(node)) return node.map((n) => clean(n, id));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries<Json>(node)) {
    if (k === 'additionalProperties' && v && typeof v === 'object' && v.type === 'object' && Object.keys(v).length === 1) continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out[k] = `${id}${v}`;
    else out[k] = clean(v, id);
  }
  return out;
}
