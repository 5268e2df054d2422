/**
 * Bulk writes through `unnest()`: one array parameter per column, one statement per
 * page. A table's columns are described once (name, PostgreSQL type, how to read the
 * value from a row), and the column list, the typed unnest source, the upsert's
 * `set` list, the parameter arrays and the rows for COPY all derive from it.
 */
export interface Column<T> {
  name: string;
  type: string;
  value: (row: T) => unknown;
  /** SQL for the value an upsert stores when it differs from `excluded.<name>` (a merge with the stored row). */
  incoming?: string;
}

const incoming = (c: Pick<Column<never>, 'name' | 'incoming'>) => c.incoming ?? `excluded.${c.name}`;

export function unnestColumns<T>(columns: Column<T>[], firstParam: number) {
  const names = columns.map((c) => c.name).join(', ');
  return {
    names,
    /** `unnest($n::type[], …) as u(<names>)`, parameters from `firstParam` on. */
    source: `unnest(${columns.map((c, i) => `$${firstParam + i}::${c.type}[]`).join(', ')}) as u(${names})`,
    /** `col = excluded.col, …` for every column but the conflict keys. */
    updates: (keys: string[]) =>
      columns
        .filter((c) => !keys.includes(c.name))
        .map((c) => `${c.name} = ${incoming(c)}`)
        .join(', '),
    /** True in an upsert when the incoming row differs from the stored one in any column. */
    changed: (table: string) => {
      const stored = columns.map((c) => `${table}.${c.name}`).join(', ');
      return `(${stored}) is distinct from (${columns.map(incoming).join(', ')})`;
    },
    /** The values of one row, in column order (for COPY). */
    values: (row: T) => columns.map((c) => c.value(row)),
    list: columns.map((c) => c.name),
    params: (rows: T[]) => columns.map((c) => rows.map(c.value)),
  };
}
