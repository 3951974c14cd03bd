/**
 * What `gatehouse serve` tells the operator on start. Written to stderr, not the log stream: it is for a human,
 * and it carries the bootstrap token, which must never reach a log pipeline.
 */
export interface BannerSandbox {
  emulatorUrl: string;
  caCertPath: string;
  tenantId: string;
  providerId: string;
  environmentId: string;
  /** The environment's resource app: the token audience (`clientId`) and scope base (`identifierUri`). */
  resourceApp: { clientId: string; identifierUri: string } | null;
}

export function startBanner(info: { apiUrl: string; gatewayUrl: string; store: string; bootstrapToken: string | null; sandbox?: BannerSandbox | null }): string {
  const lines = [
    '',
    'Gatehouse is running.',
    `  management API  ${info.apiUrl}   (OpenAPI: ${info.apiUrl}/v1/openapi.json)`,
    `  web console     ${info.apiUrl}/   (sign in with an API token)`,
    `  gateway         ${info.gatewayUrl}`,
    `  store           ${info.store}`,
    '',
  ];
  if (info.bootstrapToken) {
    lines.push(
      'Bootstrap admin token — shown only this once, valid for 24 hours:',
      `  ${info.bootstrapToken}`,
      'Use it to create long-lived tokens (gatehouse token create admin --role admin --expires-in 90d).',
      '',
      'Next steps:',
      `  export GATEHOUSE_URL=${info.apiUrl}`,
      `  export GATEHOUSE_TOKEN=${info.bootstrapToken}`,
    );
  } else {
    lines.push(
      'An admin token already exists (a bootstrap token is printed only while none is usable). Next steps:',
      `  export GATEHOUSE_URL=${info.apiUrl}`,
      '  export GATEHOUSE_TOKEN=<your admin token>',
    );
  }
  if (!info.sandbox) {
    lines.push(
      '  gatehouse provider create local --kind local',
      '  gatehouse env create sandbox --default-provider <provider id>',
      '  gatehouse api create --env <env id> --name orders --api-version v1 --base-path /orders/v1 --upstream http://127.0.0.1:3000 --policy client-id',
    );
  } else {
    lines.push('  gatehouse demo                                 # the whole story (API, app, Entra onboarding, token, gateway) in the sandbox');
  }
  lines.push(
    '  gatehouse token create ci --role operator      # day-to-day tokens; keep the admin token for emergencies',
    '',
  );
  if (info.sandbox) {
    const sb = info.sandbox;
    lines.push(
      'Sandbox: environment "sandbox" (' + sb.environmentId + ') uses the built-in Entra ID emulator.',
      `  emulator        ${sb.emulatorUrl}   (tenant ${sb.tenantId})`,
      `  emulator CA     ${sb.caCertPath}   (trust it to call the emulator: NODE_EXTRA_CA_CERTS=${sb.caCertPath})`,
      sb.resourceApp
        ? `  token audience  ${sb.resourceApp.clientId}   (clients ask for scope ${sb.resourceApp.identifierUri}/.default)`
        : '  token audience  (resource app not set up yet; see gatehouse audit list)',
      'To use a real Entra tenant instead:',
      '  export ENTRA_SECRET=<the platform app\'s client secret value>',
      '  gatehouse provider create contoso --kind entra --tenant-id <tenant GUID> --client-id <platform app id> --client-secret-env ENTRA_SECRET',
      '  gatehouse provider doctor <new provider id>',
      `  gatehouse env update ${sb.environmentId} --default-provider <new provider id>`,
      '  (or start with --no-sandbox / GATEHOUSE_SANDBOX=0 to skip the emulator)',
      '',
    );
  }
  return lines.join('\n') + '\n';
}

/** Where the data lives, without credentials from a database URL. */
export function describeStore(databaseUrl: string | undefined, dataDir: string): string {
  if (!databaseUrl) return `sqlite (${dataDir}/gatehouse.db)`;
  try {
    const url = new URL(databaseUrl);
    if (url.protocol.startsWith('postgres')) return `postgres (${url.hostname}${url.port ? ':' + url.port : ''}${url.pathname})`;
  } catch {
    // not a URL with a host (sqlite:…)
  }
  return databaseUrl.startsWith('sqlite:') ? `sqlite (${databaseUrl.slice('sqlite:'.length) || ':memory:'})` : 'custom';
}
