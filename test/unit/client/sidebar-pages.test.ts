import { describe, expect, it } from 'vitest';
import type { ConversationListItem } from '../../../server/protocol/index.ts';
import { appendPage, compareNewestFirst, mergeFirstPage, prependItem, withLocalChanges, type LoadedPages } from '../../../client/src/sidebar/merge-pages.ts';
import { highlightTerms, leadToMatch } from '../../../client/src/sidebar/highlight-terms.ts';
import { parseRoute, routePath } from '../../../client/src/router/route.ts';

/** A server in miniature: conversations ordered as the store orders them, read by cursor. */
class FakeList {
  private clock = 0;
  rows = new Map<string, ConversationListItem>();
  create(id: string): ConversationListItem {
    const item = { id, title: id, kernel: 'python3', createdAt: this.stamp(), updatedAt: this.stamp() };
    this.rows.set(id, item);
    return item;
  }
  touch(id: string): void {
    const row = this.rows.get(id)!;
    this.rows.set(id, { ...row, updatedAt: this.stamp() });
  }
  remove(id: string): void {
    this.rows.delete(id);
  }
  page(limit: number, cursor?: string | null): LoadedPages {
    const after = cursor ? (JSON.parse(cursor) as { updatedAt: string; id: string }) : undefined;
    const sorted = [...this.rows.values()].sort(compareNewestFirst).filter((row) => !after || compareNewestFirst(row, after) > 0);
    const items = sorted.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: sorted.length > limit && last ? JSON.stringify({ updatedAt: last.updatedAt, id: last.id }) : null };
  }
  private stamp(): string {
    return new Date(Date.UTC(2026, 0, 1) + ++this.clock * 1000).toISOString();
  }
}

const ids = (pages: LoadedPages) => pages.items.map((item) => item.id);

describe('merging pages of the conversation list', () => {
  it('reads every conversation once while others are created, updated and deleted between pages', () => {
    const server = new FakeList();
    for (let i = 0; i < 130; i++) server.create(`c${i}`);
    let loaded = server.page(50);
    let step = 0;
    while (loaded.nextCursor) {
      // Between two pages: a new one, an old one answered again (moves to the top), one deleted.
      server.create(`new${step}`);
      server.touch(`c${10 + step}`);
      server.remove(`c${100 + step}`);
      step += 1;
      loaded = appendPage(loaded, server.page(50, loaded.nextCursor));
      loaded = mergeFirstPage(loaded, server.page(50));
    }
    const listed = ids(loaded);
    expect(new Set(listed).size).toBe(listed.length);
    const expected = [...server.rows.values()].sort(compareNewestFirst).map((row) => row.id);
    expect(listed).toEqual(expected);
  });

  it('an append never lists a conversation twice; the fresher copy stays', () => {
    const a = { id: 'a', title: 'new title', kernel: 'k', createdAt: '1', updatedAt: '9' };
    const loaded: LoadedPages = { items: [a], nextCursor: 'x' };
    const merged = appendPage(loaded, { items: [{ ...a, title: 'old title', updatedAt: '1' }, { ...a, id: 'b' }], nextCursor: null });
    expect(merged.items.map((item) => item.title)).toEqual(['new title', 'new title']);
    expect(ids(merged)).toEqual(['a', 'b']);
    expect(merged.nextCursor).toBeNull();
  });

  it('a refresh keeps the pages already read below the first one, and their cursor', () => {
    const server = new FakeList();
    for (let i = 0; i < 120; i++) server.create(`c${i}`);
    let loaded = server.page(50);
    loaded = appendPage(loaded, server.page(50, loaded.nextCursor));
    const cursor = loaded.nextCursor;
    server.create('fresh');
    server.remove('c118');
    loaded = mergeFirstPage(loaded, server.page(50));
    expect(ids(loaded)[0]).toBe('fresh');
    expect(ids(loaded)).not.toContain('c118');
    expect(loaded.items).toHaveLength(100);
    expect(loaded.nextCursor).toBe(cursor);
  });

  it('a refresh reaching past what was read takes the fresh cursor', () => {
    const server = new FakeList();
    for (let i = 0; i < 60; i++) server.create(`c${i}`);
    const loaded: LoadedPages = server.page(10);
    const first = server.page(50);
    expect(mergeFirstPage(loaded, first)).toEqual(first);
  });

  it('a conversation made here stays on top of a first page read before it existed; one deleted stays gone', () => {
    const server = new FakeList();
    for (let i = 0; i < 5; i++) server.create(`c${i}`);
    const stale = server.page(50);
    const made = server.create('made');
    const merged = withLocalChanges(mergeFirstPage(prependItem(stale, made), stale), { added: new Map([['made', made]]), dropped: new Set(['c2']) });
    expect(ids(merged)).toEqual(['made', 'c4', 'c3', 'c1', 'c0']);
  });
});

describe('highlighting a search in a snippet', () => {
  it('marks the start of every word that begins with a search word, case and accents aside', () => {
    expect(highlightTerms('Revenue by region: the REVENUES rose', 'rev')).toEqual([
      { text: 'Rev', match: true },
      { text: 'enue by region: the ', match: false },
      { text: 'REV', match: true },
      { text: 'ENUES rose', match: false },
    ]);
    expect(highlightTerms('Café footfall', 'cafe foot').filter((part) => part.match).map((part) => part.text)).toEqual(['Café', 'foot']);
  });

  it('leaves the text as it is: markup in it is text, nothing is dropped', () => {
    const text = '<img src=x onerror=alert(1)> quetzalcoatlus 42';
    const parts = highlightTerms(text, 'quetzal');
    expect(parts.map((part) => part.text).join('')).toBe(text);
    expect(parts.filter((part) => part.match)).toEqual([{ text: 'quetzal', match: true }]);
    expect(highlightTerms('no search', '  ')).toEqual([{ text: 'no search', match: false }]);
  });
});

describe('a snippet starts close to its match', () => {
  it('cuts a long lead to a few words after an ellipsis, keeps a short one', () => {
    const long = highlightTerms('rows <img src=x onerror="window.__pwned=1"><b>bold</b> zanzibar and more', 'zanzibar');
    const cut = leadToMatch(long, 20);
    expect(cut[0]!.text.startsWith('…')).toBe(true);
    expect(cut[0]!.text.length).toBeLessThanOrEqual(21);
    expect(cut[1]).toEqual({ text: 'zanzibar', match: true });
    const short = highlightTerms('the zanzibar file', 'zanzibar');
    expect(leadToMatch(short, 20)).toEqual(short);
  });
});

describe('the address of a cell', () => {
  it('round-trips /c/<id>#cell-<cellId>', () => {
    const route = { name: 'conversation' as const, id: 'abc', cellId: 'c 1' };
    expect(routePath(route)).toBe('/c/abc#cell-c%201');
    expect(parseRoute('/c/abc', '#cell-c%201')).toEqual(route);
    expect(parseRoute('/c/abc', '#other')).toEqual({ name: 'conversation', id: 'abc' });
  });
});
