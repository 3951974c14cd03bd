import { ApiError } from './api.ts';
import { h } from './dom.ts';

/** The API's problem (title, detail, stable code, field errors) as the operator should read it. */
export function errorBox(error: unknown): HTMLElement {
  if (error instanceof ApiError) {
    return h('div', { class: 'error', role: 'alert' },
      h('strong', { class: 'error-title' }, error.title),
      ' ', h('code', { class: 'error-code' }, error.code),
      h('p', { class: 'error-detail' }, error.detail),
      error.fieldErrors.length ? h('ul', null, error.fieldErrors.map((f) => h('li', null, h('code', null, f.path), ': ', f.message))) : null,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return h('div', { class: 'error', role: 'alert' }, h('strong', { class: 'error-title' }, 'Something went wrong'), h('p', { class: 'error-detail' }, message));
}
