import { post } from './api.ts';
import { h, replace } from './dom.ts';
import { errorBox } from './errors.ts';
import { showSecretOnce } from './secret-panel.ts';
import type { RotatedCredential } from './types.ts';

/**
 * "Rotate" for one app: asks for the grace period, calls POST /v1/apps/{id}/credentials/rotate (inline delivery)
 * and hands the secret straight to the one-time panel. `after` refreshes the page's tables.
 */
export function rotateControl(app: { id: string; name: string }, after: () => void): HTMLElement {
  const box = h('span', { class: 'rotate' });
  const start = h('button', { type: 'button', on: { click: () => confirmStep() } }, 'Rotate');
  replace(box, start);

  function confirmStep(): void {
    const grace = h('input', { type: 'number', min: '0', max: '365', value: '7', class: 'narrow', 'aria-label': 'Grace days' });
    const status = h('span');
    const go = h('button', { type: 'button', class: 'primary', on: { click: async () => {
      go.disabled = true;
      const graceDays = Math.max(0, Math.min(365, Number.parseInt(grace.value, 10) || 0));
      try {
        const result = await post<RotatedCredential>(`/v1/apps/${encodeURIComponent(app.id)}/credentials/rotate`, { graceDays, delivery: 'inline' });
        if (result.secret) showSecretOnce({ appName: app.name, clientId: result.clientId, secret: result.secret, retiring: result.retiring.length, graceDays });
        replace(box, start);
        after();
      } catch (error) {
        go.disabled = false;
        replace(status, errorBox(error));
      }
    } } }, 'Rotate now');
    replace(box, h('span', { class: 'confirm' }, 'Old secrets work for ', grace, ' days. ', go, ' ',
      h('button', { type: 'button', on: { click: () => replace(box, start) } }, 'Cancel'), status));
  }
  return box;
}
