import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, type DocumentNode, type GraphQLError, type GraphQLSchema, parse, validate } from 'graphql';

export const SHOPIFY_SCHEMA_VERSION = '2026-01';
const SCHEMA_FILE = new URL(`./schema/admin_${SHOPIFY_SCHEMA_VERSION}.json.gz`, import.meta.url);

let schema: GraphQLSchema | undefined;

/**
 * Shopify's real Admin schema. Built with assumeValid: graphql-js 17 rejects some of
 * Shopify's deprecation combinations as a schema, which says nothing about queries.
 */
export function shopifySchema(): GraphQLSchema {
  if (!schema) {
    const raw = JSON.parse(gunzipSync(readFileSync(SCHEMA_FILE)).toString('utf8'));
    schema = buildClientSchema(raw.data ?? raw, { assumeValid: true });
  }
  return schema;
}

/** Parses and validates a document as the real API would; errors in Shopify's shape. */
export function parseShopifyQuery(query: string): { document: DocumentNode } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { errors: [error as GraphQLError] };
  }
  const errors = validate(shopifySchema(), document);
  return errors.length > 0 ? { errors: [...errors] } : { document };
}
