import { roleOf } from '../api.ts';
import { h, replace } from '../dom.ts';
import { errorBox } from '../errors.ts';
import { session } from '../session.ts';

/**
 * Paste an API token. It is checked against the API before it is kept (sessionStorage, this tab only); a refused
 * token shows the API's problem and is not kept.
 */
export function signInView(opts: { reason?: unknown; onSignedIn: () => void }): HTMLElement {
  const status = h('div', { class: 'status' }, opts.reason ? errorBox(opts.reason) : null);
  const input = h('input', {
    id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true,
    placeholder: 'gh_…', 'aria-describedby': 'token-help',
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'sign-in', on: { submit: async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    submit.disabled = true;
    replace(status);
    try {
      session.role = await roleOf(token);
      session.save(token);
      input.value = '';
      opts.onSignedIn();
    } catch (error) {
      replace(status, errorBox(error));
    } finally {
      submit.disabled = false;
    }
  } } },
    h('h1', null, 'Gatehouse console'),
    h('label', { for: 'token' }, 'API token'),
    input,
    h('p', { id: 'token-help', class: 'muted' },
      'An API token (gh_…): the bootstrap admin token `gatehouse serve` printed on first start, or one from `gatehouse token create`. ',
      'It stays in this tab only and is sent to this server as a Bearer token.'),
    submit,
    status,
  );
  return h('main', { class: 'sign-in-page' }, form);
}
