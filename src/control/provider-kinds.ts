import { z } from 'zod';
import type { ProviderKind } from '../core/domain.ts';

/**
 * Provider kinds this build can run, each with the schema of its non-secret `config`. Only `local` exists
 * until the Entra and OIDC DCR adapters land; they register themselves here, and the provider service refuses
 * any kind not registered (400), so an environment can never point at a provider nothing can drive.
 */
const kinds = new Map<ProviderKind, z.ZodType<Record<string, unknown>>>();

export function registerProviderKind(kind: ProviderKind, configSchema: z.ZodType<Record<string, unknown>>): void {
  kinds.set(kind, configSchema);
}

export function providerConfigSchema(kind: ProviderKind): z.ZodType<Record<string, unknown>> | undefined {
  return kinds.get(kind);
}

export function supportedProviderKinds(): ProviderKind[] {
  return [...kinds.keys()];
}

/** The local provider checks client ids and secrets that Gatehouse issues itself; it needs no settings. */
registerProviderKind('local', z.object({}).strict());
