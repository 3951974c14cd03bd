import { z } from 'zod';
import { isGatehouseError } from '../../core/errors.ts';
import { parseEntraConfig } from './config.ts';

/**
 * The `entra` provider's config schema for the provider-kind registry (src/control/provider-kinds.ts):
 * `registerProviderKind('entra', entraConfigSchema)`. Validation is parseEntraConfig's, so the API, CLI and `apply`
 * give the same explanations (WS-Federation URL refused, no issuer field, GUID or domain tenant).
 * `resourceApps` is written by Gatehouse (resource-app job), never by an operator: it is refused here, and a provider
 * update must carry the stored value over.
 */
export const entraConfigSchema = z.record(z.string(), z.unknown()).transform((raw, ctx): Record<string, unknown> => {
  if (raw.resourceApps !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['resourceApps'], message: 'resourceApps is managed by Gatehouse and cannot be set.' });
    return z.NEVER;
  }
  try {
    return { ...parseEntraConfig(raw) };
  } catch (e) {
    if (!isGatehouseError(e)) throw e;
    ctx.addIssue({ code: 'custom', path: typeof e.extras.field === 'string' ? [e.extras.field] : [], message: e.message });
    return z.NEVER;
  }
});
