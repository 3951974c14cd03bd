/**
 * `gatehouse` executable entry (bin/gatehouse.mjs loads this through tsx). Sets the exit code and lets the event
 * loop drain, so long-running commands (serve, gateway) end only after their graceful shutdown.
 */
import { run } from './program.ts';

process.exitCode = await run(process.argv.slice(2));
