/**
 * Shopify's calculated query cost: an object costs 1, a scalar 0, a connection 2 plus
 * `first` (or `last`) times the cost of one node, `nodes(ids:)` each id's object; a
 * mutation costs 10. Requested cost
 * is computed before running (the bucket must afford it), actual cost from the result.
 */
import { type DocumentNode, Kind, type SelectionSetNode, type ValueNode } from 'graphql';

export const MAX_QUERY_COST = 1000;
const MUTATION_COST = 10;

export function requestedCost(
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName?: string,
): number {
  const fragments = new Map(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d.selectionSet]),
  );
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return 0;
  const value = (node: ValueNode | undefined): unknown => {
    if (!node) return undefined;
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.LIST) return node.values;
    if (node.kind === Kind.VARIABLE) return variables[node.name.value];
    return undefined;
  };
  const cost = (set: SelectionSetNode | undefined): number => {
    if (!set) return 0;
    let total = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) total += cost(s.selectionSet);
      else if (s.kind === Kind.FRAGMENT_SPREAD) total += cost(fragments.get(s.name.value));
      else if (s.selectionSet && s.arguments?.some((a) => a.name.value === 'ids')) {
        // nodes(ids:): each id is an object of its own
        const ids = value(s.arguments.find((a) => a.name.value === 'ids')?.value);
        total += (Array.isArray(ids) ? ids.length : 1) * (1 + cost(s.selectionSet));
      } else if (s.selectionSet) {
        const size = value(s.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last')?.value);
        total += typeof size === 'number' ? 2 + size * nodeCost(s.selectionSet, cost) : 1 + cost(s.selectionSet);
      }
    }
    return total;
  };
  const body = cost(operation.selectionSet);
  return operation.operation === 'mutation' ? MUTATION_COST + body : body;
}

/** Cost of one node of a connection: what sits under edges.node / nodes, plus the edge. */
function nodeCost(set: SelectionSetNode, cost: (s: SelectionSetNode | undefined) => number): number {
  let per = 0;
  for (const s of set.selections) {
    if (s.kind !== Kind.FIELD) continue;
    if (s.name.value === 'nodes') per = Math.max(per, 1 + cost(s.selectionSet));
    if (s.name.value === 'edges') per = Math.max(per, cost(s.selectionSet));
  }
  return Math.max(per, 1);
}

/** Objects actually returned, connections counting 2: never above what was requested. */
export function actualCost(data: unknown): number {
  if (Array.isArray(data)) return data.reduce((n: number, v) => n + actualCost(v), 0);
  if (data === null || typeof data !== 'object') return 0;
  let total = 'pageInfo' in data ? 2 : 1;
  for (const [key, v] of Object.entries(data)) if (key !== 'pageInfo') total += actualCost(v);
  return total;
}
