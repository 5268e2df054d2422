import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { QUERIES, QUERY_FILES, withSearch } from '../../src/marketplaces/shopify/shopify-queries.ts';
import { SHOPIFY_SCHEMA_VERSION, shopifySchema } from '../../src/sandbox/shopify/shopify-schema.ts';

describe(`Shopify queries against the real Admin schema (${SHOPIFY_SCHEMA_VERSION})`, () => {
  it('the client pins the version whose schema is kept', () => {
    expect(loadConfig({ env: {}, envFile: '/nonexistent' }).shopify.apiVersion).toBe(SHOPIFY_SCHEMA_VERSION);
  });

  it.each(QUERY_FILES)('%s.graphql validates', (name) => {
    const errors = validate(shopifySchema(), parse(QUERIES[name]));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('a bulk query gets its search filter without breaking the document', () => {
    const query = withSearch(QUERIES['orders-bulk'], "updated_at:>='2026-10-01T00:00:00.000Z'");
    expect(query).toContain(`query: "updated_at:>='2026-10-01T00:00:00.000Z'"`);
    expect(validate(shopifySchema(), parse(query))).toEqual([]);
  });

  it('a field that is not in the schema is caught', () => {
    const broken = QUERIES['orders-page'].replace('displayFulfillmentStatus', 'fulfillmentStatusX');
    expect(
      validate(shopifySchema(), parse(broken))
        .map((e) => e.message)
        .join(),
    ).toMatch(/fulfillmentStatusX/);
  });
});
