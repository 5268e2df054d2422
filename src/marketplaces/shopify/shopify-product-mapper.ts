/**
 * Shopify product → unified products: one per variant (the unit an order line sells,
 * matched by variant id). The title names the variant when there is more than one.
 */
import { z } from 'zod';
import { normalizeSku } from '../../sync/normalize-sku.ts';
import type { ProductRow } from '../../sync/unified-rows.ts';
import { issues, type Mapped } from './shopify-order-mapper.ts';

const productSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  status: z.string().nullish(),
  productType: z.string().nullish(),
  updatedAt: z.iso.datetime({ offset: true }),
});

const variantSchema = z.object({
  id: z.string().min(1),
  sku: z.string().nullish(),
  title: z.string().nullish(),
  price: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .nullish(),
  inventoryQuantity: z.number().int().nullish(),
});

export function mapShopifyProduct(rawProduct: unknown, rawVariants: unknown[], currency: string): Mapped<ProductRow[]> {
  const id = typeof (rawProduct as { id?: unknown })?.id === 'string' ? (rawProduct as { id: string }).id : null;
  const product = productSchema.safeParse(rawProduct);
  const variants = z.array(variantSchema).safeParse(rawVariants);
  if (!product.success || !variants.success) {
    const reason = !product.success
      ? `product: ${issues(product.error)}`
      : `variant: ${issues(variants.error as z.ZodError)}`;
    return { quarantined: { externalId: id, reason, payload: { product: rawProduct, variants: rawVariants } } };
  }
  const p = product.data;
  const several = variants.data.length > 1;
  return {
    row: variants.data.map((v) => ({
      externalId: v.id,
      title: several && v.title && v.title !== 'Default Title' ? `${p.title} – ${v.title}` : p.title,
      sku: v.sku || null,
      normalizedSku: normalizeSku(v.sku),
      category: p.productType || null,
      price: v.price ?? null,
      currency,
      inventory: v.inventoryQuantity ?? null,
      status: p.status ?? null,
      imageUrl: null,
      sourceUpdatedAt: new Date(p.updatedAt),
    })),
  };
}
