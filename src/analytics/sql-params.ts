/**
 * One query's parameter list, built as its SQL is written: `add` appends a value and
 * returns its `$n`. Shared SQL fragments take these placeholders by name (never a fixed
 * `$3`), so a caller may add its values in any order and a fragment still reads the
 * value it was handed.
 */

/** A `$n` made by `SqlParams.add`: the only way to get one, so a fragment cannot be handed a guessed position. */
export type Placeholder = string & { readonly __placeholder: unique symbol };

export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): Placeholder {
    this.values.push(value);
    return `$${this.values.length}` as Placeholder;
  }
}
