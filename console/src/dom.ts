/**
 * The console's only way to build DOM. API data becomes text nodes or attribute values, never markup: there is no
 * innerHTML anywhere, event handlers are attached as functions, and links may only point inside the console.
 */
export type Child = Node | string | number | boolean | null | undefined | Child[];

export interface Props {
  class?: string;
  /** In-console links only: "#/…" routes or same-origin "/…" paths. */
  href?: string;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
  [attribute: string]: unknown;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value as Record<string, EventListener>)) el.addEventListener(event, handler);
    } else if (name === 'href') {
      el.setAttribute('href', safeHref(String(value)));
    } else if (/^on/i.test(name) || name === 'style' || name === 'srcdoc') {
      throw new Error(`h(): attribute ${name} is not allowed`);
    } else if (name === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function safeHref(href: string): string {
  if (href.startsWith('#/') || (href.startsWith('/') && !href.startsWith('//'))) return href;
  throw new Error('h(): only in-console links are allowed');
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A link to a console route; path segments are URL-encoded, so an id can never change where it points. */
export const link = (text: Child, ...route: string[]): HTMLAnchorElement =>
  h('a', { href: '#/' + route.map(encodeURIComponent).join('/') }, text);

export interface Column<T> {
  title: string;
  cell: (row: T) => Child;
  class?: string;
}

export function table<T>(columns: Column<T>[], rows: T[], empty = 'Nothing here yet.', rowAttrs?: (row: T) => Props): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('table', null,
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.title)))),
    h('tbody', null, rows.map((row) => h('tr', rowAttrs?.(row) ?? null, columns.map((c) => h('td', { class: c.class }, c.cell(row)))))),
  );
}

/** Label/value pairs for a detail page. */
export const facts = (pairs: [string, Child][]): HTMLElement =>
  h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', null, k), h('dd', null, v ?? '—')]));

export const section = (title: string, ...children: Child[]): HTMLElement => h('section', null, h('h2', null, title), ...children);

/** A button that disables itself while its action runs, so a double click cannot send twice. */
export function actionButton(label: string, action: () => Promise<void>, props: Props = {}): HTMLButtonElement {
  const button = h('button', { type: 'button', ...props }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
