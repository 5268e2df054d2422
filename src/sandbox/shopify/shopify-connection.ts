/**
 * Relay connections as Shopify serves them: `first`/`after` (the sandbox pages forward
 * only), `edges{cursor node}`, `nodes`, `pageInfo`. Cursors are opaque.
 */
export const MAX_PAGE = 250;

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string): T | undefined {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export interface PageResult<T> {
  items: T[];
  cursors: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export function connectionOf<T>(page: PageResult<T>) {
  return {
    edges: page.items.map((node, i) => ({ cursor: page.cursors[i], node })),
    nodes: page.items,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.cursors[0] ?? null,
      endCursor: page.cursors.at(-1) ?? null,
    },
  };
}

/** A connection over a small in-memory list (line items, variants). */
export function connection<T>(items: T[], args: Record<string, unknown>, key: (position: number) => string) {
  const after = typeof args.after === 'string' ? Number(decodeCursor<string>(args.after)) : -1;
  const first = typeof args.first === 'number' ? args.first : items.length;
  const start = Number.isFinite(after) ? after + 1 : 0;
  const slice = items.slice(start, start + first);
  return connectionOf({
    items: slice,
    cursors: slice.map((_, i) => encodeCursor(key(start + i))),
    hasNextPage: start + first < items.length,
    hasPreviousPage: start > 0,
  });
}
