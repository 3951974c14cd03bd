import { Command, Option } from 'commander';
import type { CliContext } from '../context.ts';
import { addPaging, fetchList, jsonObjectArg, seg } from '../options.ts';
import type { Column } from '../table.ts';
import type { ProviderJson } from '../wire.ts';
import { CliError, EXIT, usageError } from '../errors.ts';
import { readFileSync } from 'node:fs';

interface ProviderCreateOptions {
  kind: string;
  configJson?: string;
  tenantId?: string;
  clientId?: string;
  cloud?: string;
  authorityHost?: string;
  graphHost?: string;
  caCertFile?: string;
  clientSecretEnv?: string;
  clientSecretStdin?: boolean;
  certificateFile?: string;
  privateKeyFile?: string;
}

export interface CheckReport {
  healthy: boolean;
  findings: { check: string; severity: 'ok' | 'info' | 'warning' | 'error'; message: string; hint?: string; idpCode?: string }[];
  permissions: string[];
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function entraConfigFlags(o: ProviderCreateOptions): Record<string, unknown> {
  return {
    ...(o.tenantId !== undefined && { tenantId: o.tenantId }),
    ...(o.clientId !== undefined && { clientId: o.clientId }),
    ...(o.cloud !== undefined && { cloud: o.cloud }),
    ...(o.authorityHost !== undefined && { authorityHost: o.authorityHost }),
    ...(o.graphHost !== undefined && { graphHost: o.graphHost }),
    ...(o.caCertFile !== undefined && { caCertPem: readPem(o.caCertFile, '--ca-cert-file') }),
    ...(o.certificateFile !== undefined && { credentialType: 'certificate' }),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The platform credential, from an env var or stdin (never an argument: arguments are visible to other users). */
async function credentialFlags(ctx: CliContext, o: ProviderCreateOptions): Promise<Record<string, string> | undefined> {
  const given = [o.clientSecretEnv !== undefined, o.clientSecretStdin === true, o.certificateFile !== undefined].filter(Boolean).length;
  if (given > 1) throw usageError('give one of --client-secret-env, --client-secret-stdin, --certificate-file');
  if (o.clientSecretEnv !== undefined) {
    const secret = ctx.io.env[o.clientSecretEnv];
    if (!secret) throw usageError(`environment variable ${o.clientSecretEnv} is not set or empty`);
    return { clientSecret: secret.trim() };
  }
  if (o.clientSecretStdin) {
    const secret = (await readStdin()).trim();
    if (!secret) throw usageError('no client secret on standard input');
    return { clientSecret: secret };
  }
  if (o.certificateFile !== undefined) {
    if (o.privateKeyFile === undefined) throw usageError('--certificate-file needs --private-key-file');
    return { certificatePem: readPem(o.certificateFile, '--certificate-file'), privateKeyPem: readPem(o.privateKeyFile, '--private-key-file') };
  }
  if (o.privateKeyFile !== undefined) throw usageError('--private-key-file needs --certificate-file');
  return undefined;
}

const MARK: Record<CheckReport['findings'][number]['severity'], string> = { ok: 'ok   ', info: 'info ', warning: 'warn ', error: 'ERROR' };

/** The doctor's report for a human: one line per finding, hints indented under it. */
export function renderDoctor(report: CheckReport): string {
  const lines = report.findings.map((f) => `${MARK[f.severity]}  ${f.check}: ${f.message}${f.idpCode ? ` [${f.idpCode}]` : ''}` + (f.hint ? `\n       → ${f.hint}` : ''));
  if (report.permissions.length) lines.push('', `permissions: ${report.permissions.join(', ')}`);
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  lines.push('', errors === 0 ? `healthy${warnings ? ` (${warnings} warning(s))` : ''}` : `${errors} error(s), ${warnings} warning(s)`);
  return lines.join('\n') + '\n';
}

const columns: Column<ProviderJson>[] = [
  { header: 'id', value: (p) => p.id },
  { header: 'name', value: (p) => p.name },
  { header: 'kind', value: (p) => p.kind },
  { header: 'created', value: (p) => p.createdAt },
];

export function providerCommand(ctx: CliContext): Command {
  const provider = new Command('provider').description('identity providers that hold client credentials (local, entra, oidc-dcr)');

  addPaging(provider.command('list').description('list providers')).action(async (o, cmd: Command) => {
    ctx.list(cmd, await fetchList<ProviderJson>(ctx, cmd, '/v1/providers', {}, o), columns);
  });

  provider.command('get <id>').description('show one provider').action(async (id: string, _o, cmd: Command) => {
    ctx.record(cmd, await ctx.client(cmd).get(`/v1/providers/${seg(id)}`));
  });

  provider
    .command('create <name>')
    .description('register a provider (entra: give the tenant, the platform app and its credential)')
    .addOption(new Option('--kind <kind>', 'provider kind').choices(['local', 'entra', 'oidc-dcr']).default('local'))
    .option('--config-json <json>', 'kind-specific, non-secret settings as a JSON object')
    .option('--tenant-id <tenant>', 'entra: Directory (tenant) ID GUID or verified domain')
    .option('--client-id <guid>', "entra: the platform app's Application (client) ID")
    .addOption(new Option('--cloud <cloud>', 'entra: national cloud').choices(['global', 'usgov', 'china']))
    .option('--authority-host <host[:port]>', 'entra: login host override (emulator, sovereign clouds)')
    .option('--graph-host <host[:port]>', 'entra: Microsoft Graph host override')
    .option('--ca-cert-file <file>', 'entra: extra CA (PEM) to trust for the hosts above (the emulator\'s)')
    .option('--client-secret-env <VAR>', "entra: read the platform app's client secret from this environment variable")
    .option('--client-secret-stdin', "entra: read the platform app's client secret from standard input")
    .option('--certificate-file <file>', 'entra: platform app certificate (PEM) instead of a secret')
    .option('--private-key-file <file>', 'entra: its private key (PEM)')
    .action(async (name: string, o: ProviderCreateOptions, cmd: Command) => {
      const config = { ...(o.configJson !== undefined ? jsonObjectArg(o.configJson, '--config-json') : {}), ...entraConfigFlags(o) };
      const credential = await credentialFlags(ctx, o);
      if (o.kind === 'entra' && !credential) {
        throw usageError('an entra provider needs its platform credential', 'give --client-secret-env VAR, --client-secret-stdin, or --certificate-file with --private-key-file');
      }
      const body = { name, kind: o.kind, ...(Object.keys(config).length > 0 && { config }), ...(credential && { credential }) };
      const created = await ctx.client(cmd).post<ProviderJson>('/v1/providers', body);
      ctx.done(cmd, created, `created ${created.kind} provider ${created.name} (${created.id})` +
        (created.kind === 'entra' ? `\ncheck it with: gatehouse provider doctor ${created.id}` : ''));
    });

  provider
    .command('doctor <id>')
    .description("check a provider: its credential, permissions, reachability and issuers (exit 1 when anything is an error)")
    .action(async (id: string, _o, cmd: Command) => {
      const report = await ctx.client(cmd).post<CheckReport>(`/v1/providers/${seg(id)}/check`, {});
      if (ctx.json(cmd)) ctx.io.out(JSON.stringify(report, null, 2) + '\n');
      else ctx.io.out(renderDoctor(report));
      if (report.findings.some((f) => f.severity === 'error')) {
        throw new CliError('PROVIDER_UNHEALTHY', `provider ${id} has ${report.findings.filter((f) => f.severity === 'error').length} error finding(s)`, EXIT.api);
      }
    });

  provider
    .command('rotate-credential <id>')
    .description("roll the platform's own credential in the IdP (certificate: proof of possession; secret: needs self-ownership)")
    .action(async (id: string, _o, cmd: Command) => {
      const report = await ctx.client(cmd).post<{ kind: string; oldKeyId: string | null; newKeyId: string; expiresAt: string; oldRemoved: boolean }>(
        `/v1/providers/${seg(id)}/rotate-credential`, {});
      ctx.done(cmd, report, `rolled the ${report.kind} of provider ${id}: new key ${report.newKeyId}, expires ${report.expiresAt}` +
        (report.oldKeyId ? `; old key ${report.oldKeyId} ${report.oldRemoved ? 'removed' : 'retiring'}` : ''));
    });

  provider.command('delete <id>').description('delete a provider no environment, API or app uses').action(async (id: string, _o, cmd: Command) => {
    const result = await ctx.client(cmd).delete(`/v1/providers/${seg(id)}`);
    ctx.done(cmd, result ?? { id, deleted: true }, `deleted provider ${id}`);
  });

  return provider;
}
