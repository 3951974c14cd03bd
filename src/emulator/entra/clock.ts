/**
 * The emulator's own time. Token times, credential validity, replication delay and purge all read it, so a
 * test (or the admin endpoint) can move time instead of waiting.
 */
export class EmulatorClock {
  private offsetMs = 0;
  constructor(private readonly base: () => number = () => Date.now()) {}

  now(): number {
    return this.base() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  set(epochMs: number): void {
    this.offsetMs = epochMs - this.base();
  }
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
