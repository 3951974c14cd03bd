export * from './domain.ts';
export * from './errors.ts';
export * from './ids.ts';
export * from './clock.ts';
export * from './audit-catalog.ts';
export type * from './ports/store.ts';
