/** The sandbox's list of its stores (`/_sandbox/stores`): who sells where, under which account. */
import axios from 'axios';
import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';

const storesSchema = z.object({
  stores: z.array(
    z.object({
      key: z.string(),
      seller: z.number(),
      sellerName: z.string(),
      marketplace: z.string(),
      accountId: z.string(),
      currency: z.string(),
      amazonMarketplace: z.object({ id: z.string() }).nullish(),
    }),
  ),
});
export type SandboxStore = z.infer<typeof storesSchema>['stores'][number];

export async function sandboxStores(sandboxUrl: string): Promise<SandboxStore[]> {
  try {
    const { data } = await axios.get(`${sandboxUrl.replace(/\/+$/, '')}/_sandbox/stores`, { timeout: 10_000 });
    return storesSchema.parse(data).stores;
  } catch (cause) {
    const reason = axios.isAxiosError(cause) ? (cause.code ?? `HTTP ${cause.response?.status}`) : 'unexpected answer';
    throw new AppError(
      'BAD_REQUEST',
      `cannot read the sandbox at ${sandboxUrl} (${reason}): is \`shopiq sandbox\` running there?`,
      { cause },
    );
  }
}
