/**
 * Bulk operations: `bulkOperationRunQuery` takes a query with one root connection
 * (orders or products), the operation moves CREATED → RUNNING → COMPLETED as it is
 * polled, and its `url` streams JSONL: each object on its own line, the objects of a
 * nested connection after their parent with `__parentId`. Nothing is held in memory:
 * lines are produced while the response is written.
 */
import type { Writable } from 'node:stream';
import { type DocumentNode, type FieldNode, Kind, type SelectionSetNode, valueFromASTUntyped } from 'graphql';
import type { ConnectionArgs, ShopData } from './shopify-data.ts';
import { gid, renderProduct } from './shopify-records.ts';

export const MAX_CONCURRENT_BULK = 5;
const BULK_BASE_MS = 50;
const BULK_MS_PER_1K_ROOTS = 2;

export interface BulkOperation {
  id: string;
  numericId: number;
  storeKey: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'CANCELED' | 'FAILED';
  query: string;
  root: FieldNode;
  fragments: Map<string, SelectionSetNode>;
  createdAt: string;
  completedAt: string | null;
  polls: number;
  objectCount: number;
  rootObjectCount: number;
}

let sequence = 0;

export class BulkOperations {
  readonly #ops = new Map<string, BulkOperation>();

  start(storeKey: string, query: string, document: DocumentNode): { op?: BulkOperation; userError?: string } {
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (!operation || operation.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') {
      return { userError: 'Bulk queries must be a query operation.' };
    }
    const roots = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
    const root = roots[0];
    if (roots.length !== 1 || !root || !['orders', 'products'].includes(root.name.value)) {
      return { userError: 'The sandbox runs bulk queries over one root connection: orders or products.' };
    }
    const running = [...this.#ops.values()].filter(
      (o) => o.storeKey === storeKey && (o.status === 'CREATED' || o.status === 'RUNNING'),
    );
    if (running.length >= MAX_CONCURRENT_BULK) {
      return { userError: `A shop can run at most ${MAX_CONCURRENT_BULK} bulk query operations at once.` };
    }
    const numericId = 7_000_000_000 + ++sequence;
    const op: BulkOperation = {
      id: gid('BulkOperation', numericId),
      numericId,
      storeKey,
      status: 'CREATED',
      query,
      root,
      fragments: new Map(
        document.definitions
          .filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [d.name.value, d.selectionSet]),
      ),
      createdAt: new Date().toISOString(),
      completedAt: null,
      polls: 0,
      objectCount: 0,
      rootObjectCount: 0,
    };
    this.#ops.set(op.id, op);
    return { op };
  }

  get(id: string): BulkOperation | undefined {
    return this.#ops.get(id);
  }

  current(storeKey: string): BulkOperation | undefined {
    return [...this.#ops.values()].filter((o) => o.storeKey === storeKey).at(-1);
  }

  cancel(id: string): BulkOperation | undefined {
    const op = this.#ops.get(id);
    if (op && (op.status === 'CREATED' || op.status === 'RUNNING')) op.status = 'CANCELED';
    return op;
  }

  /**
   * An operation runs for a time that grows with its size (BULK_BASE_MS plus
   * BULK_MS_PER_1K_ROOTS per thousand root objects), as Shopify's do: a look before then
   * sees it RUNNING, a look after sees it COMPLETED (the mutation itself answers
   * CREATED, so a client always polls at least once).
   */
  observe(op: BulkOperation, shop: ShopData): void {
    op.polls++;
    if (op.status !== 'CREATED' && op.status !== 'RUNNING') return;
    if (op.rootObjectCount === 0 && op.status === 'CREATED') {
      let roots = 0;
      for (const _ of rootStream(op, shop)) roots++;
      op.rootObjectCount = roots;
      op.objectCount = roots;
    }
    const readyAt = Date.parse(op.createdAt) + BULK_BASE_MS + (op.rootObjectCount / 1000) * BULK_MS_PER_1K_ROOTS;
    if (Date.now() < readyAt) {
      op.status = 'RUNNING';
      return;
    }
    op.status = 'COMPLETED';
    op.completedAt = new Date().toISOString();
  }
}

export function renderBulkOperation(op: BulkOperation, baseUrl: string) {
  const done = op.status === 'COMPLETED';
  return {
    __typename: 'BulkOperation',
    id: op.id,
    status: op.status,
    type: 'QUERY',
    query: op.query,
    createdAt: op.createdAt,
    completedAt: op.completedAt,
    errorCode: null,
    objectCount: String(op.objectCount),
    rootObjectCount: String(op.rootObjectCount),
    fileSize: null,
    url: done ? `${baseUrl}/shopify/_bulk/${op.numericId}.jsonl` : null,
    partialDataUrl: null,
  };
}

function rootArgs(op: BulkOperation): ConnectionArgs {
  const args: Record<string, unknown> = {};
  for (const a of op.root.arguments ?? []) args[a.name.value] = valueFromASTUntyped(a.value);
  return args as ConnectionArgs;
}

function* rootStream(op: BulkOperation, shop: ShopData) {
  const args = rootArgs(op);
  if (op.root.name.value === 'orders') {
    for (const { order } of shop.orderStream(args)) yield { kind: 'order' as const, order };
  } else {
    for (const row of shop.productList(args)) yield { kind: 'product' as const, row };
  }
}

/** Writes the operation's JSONL to `out`, honouring backpressure. */
export async function writeBulkJsonl(op: BulkOperation, shop: ShopData, out: Writable): Promise<void> {
  const nodeSelection = connectionNodeSelection(op.root.selectionSet);
  let buffer = '';
  const flush = async () => {
    if (!out.write(buffer)) await new Promise((resolve) => out.once('drain', resolve));
    buffer = '';
  };
  for (const item of rootStream(op, shop)) {
    const value =
      item.kind === 'order' ? shop.renderOrder(item.order) : renderProduct(item.row.p, shop.store, item.row.u);
    if (!value) continue;
    const lines: string[] = [];
    project(nodeSelection, value, op.fragments, lines, undefined);
    buffer += lines.join('');
    if (buffer.length > 64 * 1024) await flush();
  }
  await flush();
}

/** The selection under `edges { node { … } }` or `nodes { … }` of a connection field. */
function connectionNodeSelection(set: SelectionSetNode | undefined): SelectionSetNode {
  const selections = [];
  for (const s of set?.selections ?? []) {
    if (s.kind !== Kind.FIELD) continue;
    if (s.name.value === 'nodes' && s.selectionSet) selections.push(...s.selectionSet.selections);
    if (s.name.value === 'edges') {
      for (const e of s.selectionSet?.selections ?? []) {
        if (e.kind === Kind.FIELD && e.name.value === 'node' && e.selectionSet)
          selections.push(...e.selectionSet.selections);
      }
    }
  }
  return { kind: Kind.SELECTION_SET, selections };
}

function isConnection(value: unknown): value is { nodes: unknown[] } {
  return typeof value === 'object' && value !== null && 'pageInfo' in value && 'nodes' in value;
}

/** Emits `value` as a JSONL line (children after it) and returns nothing. */
function project(
  set: SelectionSetNode,
  value: Record<string, unknown>,
  fragments: Map<string, SelectionSetNode>,
  lines: string[],
  parentId: string | undefined,
): void {
  const children: (() => void)[] = [];
  const object = pick(set, value, fragments, children, lines);
  if (parentId !== undefined) object.__parentId = parentId;
  lines.push(`${JSON.stringify(object)}\n`);
  for (const child of children) child();
}

function pick(
  set: SelectionSetNode,
  value: Record<string, unknown>,
  fragments: Map<string, SelectionSetNode>,
  children: (() => void)[],
  lines: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of set.selections) {
    if (s.kind === Kind.INLINE_FRAGMENT) {
      const type = s.typeCondition?.name.value;
      if (!type || type === value.__typename)
        Object.assign(out, pick(s.selectionSet, value, fragments, children, lines));
      continue;
    }
    if (s.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments.get(s.name.value);
      if (fragment) Object.assign(out, pick(fragment, value, fragments, children, lines));
      continue;
    }
    const key = s.alias?.value ?? s.name.value;
    let v = value[s.name.value];
    if (typeof v === 'function') {
      const args: Record<string, unknown> = {};
      for (const a of s.arguments ?? []) args[a.name.value] = valueFromASTUntyped(a.value);
      v = (v as (a: Record<string, unknown>) => unknown)(args);
    }
    if (!s.selectionSet || v === null || v === undefined) {
      out[key] = v ?? null;
    } else if (isConnection(v)) {
      // nested connections become lines of their own, after the parent
      const nodeSet = connectionNodeSelection(s.selectionSet);
      const parentId = String(value.id);
      for (const node of v.nodes)
        children.push(() => project(nodeSet, node as Record<string, unknown>, fragments, lines, parentId));
    } else if (Array.isArray(v)) {
      const sub = s.selectionSet;
      out[key] = v.map((item) => pick(sub, item as Record<string, unknown>, fragments, children, lines));
    } else {
      out[key] = pick(s.selectionSet, v as Record<string, unknown>, fragments, children, lines);
    }
  }
  return out;
}
