/**
 * Client of a daily reference-rate API in the ECB-based public shape (frankfurter):
 * `/v1/currencies` and `/v1/<from>..<to>?base=USD&symbols=…`. Responses are checked
 * at the boundary; a currency the provider does not know is reported, never guessed.
 */
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';

const currenciesSchema = z.record(z.string().regex(/^[A-Z]{3}$/), z.string());
const rangeSchema = z.object({
  base: z.string(),
  rates: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.record(z.string(), z.number().positive())),
});

export class FxClient {
  readonly #http: AxiosInstance;
  #currencies: { at: number; codes: Promise<Set<string>> } | undefined;

  constructor(baseUrl: string, options: { timeoutMs?: number } = {}) {
    this.#http = axios.create({ baseURL: baseUrl, timeout: options.timeoutMs ?? 15_000 });
  }

  /** The currencies the provider publishes; asked at most once an hour. */
  currencies(): Promise<Set<string>> {
    if (!this.#currencies || Date.now() - this.#currencies.at > 3_600_000) {
      const codes = this.#http
        .get('/v1/currencies')
        .then(({ data }) => new Set(Object.keys(currenciesSchema.parse(data))));
      codes.catch(() => {
        this.#currencies = undefined;
      });
      this.#currencies = { at: Date.now(), codes };
    }
    return this.#currencies.codes;
  }

  /** Units of each symbol per 1 USD, by business day, in [from, to]; none when nothing is published there yet. */
  async usdRange(from: string, to: string, symbols: string[]): Promise<Map<string, Record<string, number>>> {
    const { data, status } = await this.#http.get(`/v1/${from}..${to}`, {
      params: { base: 'USD', symbols: symbols.join(',') },
      validateStatus: (s) => (s >= 200 && s < 300) || s === 404,
    });
    if (status === 404) return new Map();
    const parsed = rangeSchema.parse(data);
    if (parsed.base !== 'USD') throw new Error(`FX provider answered in base ${parsed.base}, not USD`);
    return new Map(Object.entries(parsed.rates));
  }
}
