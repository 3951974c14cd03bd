import { h, replace } from './dom.ts';

/** A one-line notice above the page ("Contract approved."), replaced by the next one or cleared on navigation. */
let notice: HTMLElement | null = null;

export function noticeSlot(): HTMLElement {
  notice = h('div', { class: 'notice-slot', role: 'status', 'aria-live': 'polite' });
  return notice;
}

export function flash(text: string): void {
  if (notice) replace(notice, h('p', { class: 'notice' }, text));
}

export function clearFlash(): void {
  if (notice) replace(notice);
}

/** What a page gets: its route parameters and a way to render itself again after a change. */
export interface PageContext {
  params: string[];
  /** The route's query (`#/credentials?expiringWithin=P30D`), so filters survive a reload and can be shared. */
  query: URLSearchParams;
  refresh(): void;
}

export type PageRender = (ctx: PageContext) => Promise<Node | Node[]>;
