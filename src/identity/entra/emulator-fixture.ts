import type { EntraEmulator } from '../../emulator/entra/index.ts';
import { EntraIdentityProvider, type EntraAdapterOptions } from './adapter.ts';
import { parseEntraConfig, type EntraPlatformCredential } from './config.ts';

/**
 * Test and demo wiring: the provider config that points an Entra adapter at a running emulator (one origin for
 * login and Graph, its CA trusted), and an adapter whose clock and backoff sleeps run on the emulator's clock, so
 * replication delays and Retry-After waits cost no real time.
 */
export function emulatorProviderConfig(emu: EntraEmulator, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const host = new URL(emu.url).host;
  return { tenantId: emu.tenantId, clientId: emu.admin.clientId, authorityHost: host, graphHost: host, caCertPem: emu.caCertPem, ...overrides };
}

export function emulatorAdapter(
  emu: EntraEmulator,
  options: { config?: Record<string, unknown>; credential?: EntraPlatformCredential; virtualTime?: boolean }
    & Partial<Omit<EntraAdapterOptions, 'config' | 'credential'>> = {},
): EntraIdentityProvider {
  const virtual = options.virtualTime ?? true;
  return new EntraIdentityProvider({
    config: parseEntraConfig(emulatorProviderConfig(emu, options.config)),
    credential: options.credential ?? { type: 'secret', clientSecret: emu.admin.clientSecret },
    providerLabel: options.providerLabel ?? 'emulator',
    ...(virtual ? { clock: emu.control.clock, sleep: async (ms: number) => emu.control.clock.advance(ms) } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
}
