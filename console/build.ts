import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the web console into console/dist with Vite. `npm run build:console` always builds; `npm start` (prestart)
 * and the console e2e test pass --if-stale, which builds only when dist is missing or older than a source file.
 * Without Vite (an install without devDependencies) a stale console is kept and a missing one is reported by the
 * server's "not built" page: the console never stops Gatehouse from starting.
 */
const consoleDir = fileURLToPath(new URL('.', import.meta.url));
export const CONSOLE_DIST = join(consoleDir, 'dist');
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'build.ts'];

/** True when dist/index.html is missing or older than any console source. */
export async function consoleIsStale(): Promise<boolean> {
  const built = await mtime(join(CONSOLE_DIST, 'index.html'));
  if (built === null) return true;
  for (const source of SOURCES) if ((await newest(join(consoleDir, source))) > built) return true;
  return false;
}

export async function buildConsole(): Promise<void> {
  const [{ build }, { default: config }] = await Promise.all([import('vite'), import('./vite.config.ts')]);
  await build({ ...config, configFile: false });
}

/** Builds when stale; returns what happened. */
export async function ensureConsoleBuilt(): Promise<'fresh' | 'built' | 'no-vite'> {
  if (!(await consoleIsStale())) return 'fresh';
  try {
    await import('vite');
  } catch {
    return 'no-vite';
  }
  await buildConsole();
  return 'built';
}

async function mtime(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

async function newest(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const name of await readdir(path)) latest = Math.max(latest, await newest(join(path, name)));
  return latest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--if-stale')) {
    const outcome = await ensureConsoleBuilt();
    if (outcome === 'built') console.error('web console built into console/dist');
    if (outcome === 'no-vite') console.error('web console not rebuilt: Vite is not installed (npm ci installs it); serving what console/dist holds');
  } else {
    await buildConsole();
    console.error('web console built into console/dist');
  }
}
