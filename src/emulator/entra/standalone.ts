import { homedir } from 'node:os';
import { join } from 'node:path';
import { startEntraEmulator, type EntraEmulator } from './index.ts';

export const DEFAULT_STANDALONE_PORT = 8443;

export function defaultDataDir(): string {
  return join(homedir(), '.gatehouse', 'entra-emulator');
}

/**
 * `gatehouse emulator entra`: starts the emulator, prints what a client needs, and runs until SIGINT/SIGTERM.
 * TLS material and signing keys always persist (default folder: ~/.gatehouse/entra-emulator), so a client that
 * trusts the CA once keeps trusting it. With an explicit `dataDir` the directory itself persists too (tenants, apps,
 * the admin app's secret); without one it lives in memory and starts fresh each run.
 */
export async function runEmulatorStandalone(options: { port?: number; dataDir?: string; tenants?: number | string[] }): Promise<void> {
  const emu = await startEntraEmulator({
    port: options.port ?? DEFAULT_STANDALONE_PORT,
    dataDir: options.dataDir ?? defaultDataDir(),
    persistDirectory: options.dataDir !== undefined,
    ...(options.tenants !== undefined ? { tenants: options.tenants } : {}),
  });
  // Handlers go in before the banner: whoever reads the banner may signal at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stdout.write(formatBanner(emu));
  await stopped;
  await emu.close();
  process.stdout.write('Entra emulator stopped.\n');
}

/** The start-up text: identities, trust, and the exact client settings (msal-node, @azure/identity, Graph SDK). */
export function formatBanner(emu: EntraEmulator): string {
  const host = new URL(emu.url).host;
  const hostname = new URL(emu.url).hostname;
  const lines = [
    `Entra ID + Microsoft Graph emulator listening on ${emu.url}`,
    '',
    `  tenant id            ${emu.tenantId}`,
    ...emu.tenants.slice(1).map((t) => `  other tenant         ${t}`),
    `  admin client id      ${emu.admin.clientId}`,
    `  admin client secret  ${emu.admin.clientSecret}`,
    `  admin permissions    ${emu.admin.permissions.join(', ')}`,
    `  CA certificate       ${emu.caCertPath}`,
    '',
    'Client settings:',
    `  export NODE_EXTRA_CA_CERTS=${emu.caCertPath}`,
    `  authority            ${emu.url}/${emu.tenantId}`,
    `  knownAuthorities     ["${host}"]`,
    `  token endpoint       ${emu.url}/${emu.tenantId}/oauth2/v2.0/token`,
    `  OIDC discovery       ${emu.url}/${emu.tenantId}/v2.0/.well-known/openid-configuration`,
    `  JWKS (v2 / v1)       ${emu.url}/${emu.tenantId}/discovery/v2.0/keys  ${emu.url}/${emu.tenantId}/discovery/keys`,
    `  Graph base URL       ${emu.url}/v1.0   (Graph SDK: baseUrl "${emu.url}/", customHosts ["${hostname}"])`,
    `  Graph token scope    https://graph.microsoft.com/.default`,
    `  token issuers        https://login.microsoftonline.com/${emu.tenantId}/v2.0 (v2), https://sts.windows.net/${emu.tenantId}/ (v1)`,
    `  @azure/identity      authorityHost "${emu.url}", disableInstanceDiscovery: true`,
    `  admin API            ${emu.url}/_emulator/state  (faults, clock, keys, seeding: see docs/emulator.md)`,
    '',
    'Press Ctrl+C to stop.',
    '',
  ];
  return lines.join('\n');
}
