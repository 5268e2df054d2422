/**
 * The GraphQL documents the Shopify client sends, kept as `.graphql` files beside this
 * module (a test validates each against the Admin schema of the pinned version). A
 * document is its file plus the fragments it uses from fragments.graphql.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type DocumentNode, Kind, parse, print, visit } from 'graphql';

const DIR = path.join(import.meta.dirname, 'queries');
export const QUERY_FILES = [
  'orders-page',
  'order-line-items',
  'order-returns',
  'order-returns-more',
  'orders-bulk',
  'bulk-run',
  'bulk-status',
  'products-page',
  'product-variants',
] as const;
export type QueryName = (typeof QUERY_FILES)[number];

const fragments = new Map(
  parse(readFileSync(path.join(DIR, 'fragments.graphql'), 'utf8'))
    .definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)
    .map((d) => [d.name.value, d]),
);

function usedFragments(document: DocumentNode, into = new Set<string>()): Set<string> {
  visit(document, {
    FragmentSpread(node) {
      const name = node.name.value;
      if (into.has(name)) return;
      into.add(name);
      const definition = fragments.get(name);
      if (definition) usedFragments({ kind: Kind.DOCUMENT, definitions: [definition] }, into);
    },
  });
  return into;
}

function load(name: QueryName): string {
  const own = parse(readFileSync(path.join(DIR, `${name}.graphql`), 'utf8'));
  const definitions = [...own.definitions];
  for (const f of usedFragments(own)) {
    const definition = fragments.get(f);
    if (!definition) throw new Error(`${name}.graphql uses an unknown fragment ${f}`);
    definitions.push(definition);
  }
  return print({ kind: Kind.DOCUMENT, definitions });
}

export const QUERIES = Object.fromEntries(QUERY_FILES.map((n) => [n, load(n)])) as Record<QueryName, string>;

/** A bulk query takes no variables: sets the root connection's `query:` search string. */
export function withSearch(document: string, search: string): string {
  return print(
    visit(parse(document), {
      Argument(node) {
        return node.name.value === 'query' ? { ...node, value: { kind: Kind.STRING, value: search } } : undefined;
      },
    }),
  );
}
