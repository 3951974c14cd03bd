import type { CredentialKind } from '../../core/domain.ts';

/**
 * What an expiry alert for a provider's own credential tells the admin to do (same shape as the app action in
 * compose-alert.ts). A certificate always self-rolls; a secret only when the platform app owns its application,
 * which `gatehouse provider doctor` checks and explains (finding `credential.self-rotation`).
 */
export function providerCredentialAction(owner: { id: string; name: string | null }, kind: CredentialKind): { text: string; cli: string; api: string } {
  const label = owner.name ?? owner.id;
  const cli = `gatehouse provider rotate-credential ${label}`;
  const api = `POST /v1/providers/${owner.id}/rotate-credential`;
  const roll = kind === 'certificate'
    ? `roll it with \`${cli}\` (or ${api}): Gatehouse adds a new certificate to its own app registration with proof of possession, switches to it and removes the old one.`
    : `roll it with \`${cli}\` (or ${api}). This works only if the platform app's service principal owns its own application; ` +
      `\`gatehouse provider doctor ${label}\` says whether it does and gives the one-time admin call (POST /applications/{id}/owners/$ref) if not. ` +
      `Otherwise add a new secret in Entra admin center → App registrations → Certificates & secrets and store it with \`gatehouse provider update ${label}\`.`;
  return {
    text: `${roll} Until it is renewed, Gatehouse cannot create or change clients in this provider once the credential expires. ` +
      'Set autoRotate on the provider to have Gatehouse roll it 30 days before expiry.',
    cli,
    api,
  };
}
