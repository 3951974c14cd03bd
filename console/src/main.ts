import { ApiError, roleOf, whenUnauthenticated } from './api.ts';
import { h, replace } from './dom.ts';
import { errorBox } from './errors.ts';
import { apiDetailPage, apisPage } from './pages/apis.ts';
import { appDetailPage, appsPage } from './pages/apps.ts';
import { auditPage } from './pages/audit.ts';
import { contractsPage } from './pages/contracts.ts';
import { credentialsPage } from './pages/credentials.ts';
import { overviewPage } from './pages/overview.ts';
import { signInView } from './pages/sign-in.ts';
import { secretSlot } from './secret-panel.ts';
import { canReadAudit, session } from './session.ts';
import { clearFlash, noticeSlot, type PageRender } from './shell.ts';

/** Hash routes (`#/apps/app_…`): the server only ever serves index.html and hashed assets. */
const ROUTES: { pattern: RegExp; nav?: string; render: PageRender }[] = [
  { pattern: /^$/, nav: 'Overview', render: overviewPage },
  { pattern: /^apis$/, nav: 'APIs', render: apisPage },
  { pattern: /^apis\/([^/]+)$/, render: apiDetailPage },
  { pattern: /^apps$/, nav: 'Apps', render: appsPage },
  { pattern: /^apps\/([^/]+)$/, render: appDetailPage },
  { pattern: /^contracts$/, nav: 'Contracts', render: contractsPage },
  { pattern: /^credentials$/, nav: 'Credentials', render: credentialsPage },
  { pattern: /^audit$/, nav: 'Audit', render: auditPage },
];
const NAV_PATHS: Record<string, string> = { Overview: '', APIs: 'apis', Apps: 'apps', Contracts: 'contracts', Credentials: 'credentials', Audit: 'audit' };

const root = document.getElementById('app')!;
let main: HTMLElement | null = null;
let nav: HTMLElement | null = null;
/** Bumped on every render, so a slow page that finishes after the user moved on is dropped. */
let renderId = 0;

function parseHash(): { path: string; query: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  return { path, query: new URLSearchParams(query) };
}

function showSignIn(reason?: unknown): void {
  session.clear();
  session.role = null;
  main = null;
  replace(root, signInView({ reason, onSignedIn: showShell }));
  document.getElementById('token')?.focus();
}

function showShell(): void {
  nav = h('nav', { 'aria-label': 'Main' });
  main = h('main', { id: 'main', tabindex: '-1' });
  replace(root,
    h('header', { class: 'top' },
      h('a', { class: 'brand', href: '#/' }, 'Gatehouse'),
      nav,
      h('span', { class: 'who' }, 'Signed in as ', h('strong', { 'data-testid': 'role' }, session.role ?? '?')),
      h('button', { type: 'button', on: { click: () => { showSignIn(); location.hash = ''; } } }, 'Sign out'),
    ),
    secretSlot(),
    noticeSlot(),
    main,
  );
  void render();
}

async function render(): Promise<void> {
  if (!main || !nav) return;
  const id = ++renderId;
  const hash = location.hash || '#/';
  const { path, query } = parseHash();
  const route = ROUTES.find((r) => r.pattern.test(path));
  replace(nav, Object.entries(NAV_PATHS)
    .filter(([label]) => label !== 'Audit' || canReadAudit(session.role))
    .map(([label, to]) => h('a', { href: `#/${to}`, 'aria-current': (path.split('/')[0] ?? '') === to ? 'page' : null }, label)));
  main.setAttribute('aria-busy', 'true');
  main.removeAttribute('data-route');
  let content: Node | Node[];
  try {
    if (!route) throw new Error(`No page at #/${path}.`);
    const params = (route.pattern.exec(path) ?? []).slice(1).map((p) => decodeURIComponent(p));
    content = await route.render({ params, query, refresh: () => void render() });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return; // whenUnauthenticated took over
    content = errorBox(error);
  }
  if (id !== renderId || !main) return;
  replace(main, content);
  main.removeAttribute('aria-busy');
  // Which route the content belongs to, for tests and tools waiting on a render.
  main.setAttribute('data-route', hash);
}

whenUnauthenticated((error) => showSignIn(error));
window.addEventListener('hashchange', () => {
  clearFlash();
  void render();
});

async function boot(): Promise<void> {
  const token = session.token();
  if (!token) return showSignIn();
  try {
    session.role = await roleOf(token);
    showShell();
  } catch (error) {
    showSignIn(error);
  }
}

void boot();
