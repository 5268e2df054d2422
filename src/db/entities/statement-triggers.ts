/**
 * Statement-level triggers over transition tables, as the entities declare them (so the
 * schema comparison knows them) and the migrations create them: one PL/pgSQL function
 * per table and purpose, one trigger per event. The function is created with the
 * first trigger; `statementTriggerFunction` alone brings an existing one up to date.
 */
import type { TriggerDef } from '@mikro-orm/core';

export type TriggerEvent = 'insert' | 'update' | 'delete';

/** The event → its `referencing` clause (the transition tables the function reads). */
export type Transitions = Partial<Record<TriggerEvent, string>>;

/** `create or replace function <table>_<purpose>()` with this body (between its `$$`). */
export const statementTriggerFunction = (table: string, purpose: string, body: string) =>
  `create or replace function ${table}_${purpose}() returns trigger language plpgsql as $$${body}$$`;

export function statementTriggers(
  table: string,
  purpose: string,
  transitions: Transitions,
  body: string,
): TriggerDef[] {
  const events = Object.keys(transitions) as TriggerEvent[];
  return events.map((event, n) => {
    const name = `${table}_${event}_${purpose}`;
    const trigger = `create trigger ${name} after ${event} on "${table}"
          referencing ${transitions[event]} for each statement execute function ${table}_${purpose}()`;
    return {
      name,
      timing: 'after',
      events: [event],
      forEach: 'statement',
      expression: n === 0 ? `${statementTriggerFunction(table, purpose, body)};\n${trigger}` : trigger,
    };
  });
}
