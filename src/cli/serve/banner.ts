/**
 * What `gatehouse serve` tells the operator on start. Written to stderr, not the log stream: it is for a human,
 * and it carries the bootstrap token, which must never reach a log pipeline.
 */
export function startBanner(info: { apiUrl: string; gatewayUrl: string; store: string; bootstrapToken: string | null }): string {
  const lines = [
    '',
    'Gatehouse is running.',
    `  management API  ${info.apiUrl}   (OpenAPI: ${info.apiUrl}/v1/openapi.json)`,
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
  lines.push(
    '  gatehouse provider create local --kind local',
    '  gatehouse env create sandbox --default-provider <provider id>',
    '  gatehouse api create --env <env id> --name orders --api-version v1 --base-path /orders/v1 --upstream http://127.0.0.1:3000 --policy client-id',
    '  gatehouse token create ci --role operator      # day-to-day tokens; keep the admin token for emergencies',
    '',
  );
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
