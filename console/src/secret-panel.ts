import { h, replace } from './dom.ts';

/**
 * The one place a new secret appears: a panel above the page until dismissed. The secret is held only by this DOM
 * node (no storage, no variable outlives it), so dismissing or reloading loses it for good, as the API intends.
 */
let slot: HTMLElement | null = null;

export function secretSlot(): HTMLElement {
  slot = h('div', { class: 'secret-slot', 'aria-live': 'polite' });
  return slot;
}

export function showSecretOnce(opts: { appName: string; clientId: string | null; secret: string; retiring: number; graceDays: number }): void {
  if (!slot) return;
  const secretEl = h('code', { class: 'secret', 'data-testid': 'new-secret' }, opts.secret);
  const copied = h('span', { class: 'muted' });
  const panel = h('div', { class: 'secret-panel', role: 'status' },
    h('h2', null, `New secret for ${opts.appName}`),
    h('p', null, 'Shown once: copy it now and store it in the client. Gatehouse keeps only a hash and cannot show it again.'),
    opts.clientId ? h('p', null, 'Client id: ', h('code', null, opts.clientId)) : null,
    h('p', null, secretEl),
    opts.retiring ? h('p', { class: 'muted' }, `${opts.retiring} previous secret(s) keep working for ${opts.graceDays} day(s), then are removed.`) : null,
    h('div', { class: 'actions' },
      h('button', { type: 'button', on: { click: () => {
        navigator.clipboard?.writeText(secretEl.textContent ?? '').then(() => replace(copied, 'Copied.'), () => replace(copied, 'Copy failed: select the text instead.'));
      } } }, 'Copy'),
      h('button', { type: 'button', class: 'primary', on: { click: () => panel.remove() } }, 'I have stored it — dismiss'),
      copied,
    ),
  );
  replace(slot, panel);
  panel.scrollIntoView({ block: 'nearest' });
}
