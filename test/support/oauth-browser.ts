/**
 * A seller's browser, as far as connecting a marketplace needs one: it follows the link
 * from chat through ShopIQ's `/oauth/<marketplace>/start`, the marketplace's consent
 * page (the sandbox's: its form posted as the seller's click would), the callback and
 * the result page, keeping cookies per host as a browser does. Every hop is recorded.
 */
import { createServer } from 'node:net';

export interface Hop {
  method: string;
  url: string;
  status: number;
  location: string | undefined;
  headers: Headers;
  body: string;
}

export class TestBrowser {
  readonly hops: Hop[] = [];
  /** host → cookie name → value */
  readonly #jar = new Map<string, Map<string, string>>();

  cookiesOf(url: string): Map<string, string> {
    return this.#jar.get(new URL(url).host) ?? new Map();
  }

  async request(method: 'GET' | 'POST', url: string, form?: URLSearchParams): Promise<Hop> {
    const host = new URL(url).host;
    const cookies = [...this.cookiesOf(url)].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookies ? { cookie: cookies } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form?.toString(),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const jar = this.#jar.get(host) ?? new Map<string, string>();
      this.#jar.set(host, jar);
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\b/i.test(a));
      if (expired || pair.slice(eq + 1) === '') jar.delete(pair.slice(0, eq).trim());
      else jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const location = response.headers.get('location') ?? undefined;
    const hop: Hop = {
      method,
      url,
      status: response.status,
      location: location && new URL(location, url).toString(),
      headers: response.headers,
      body: await response.text(),
    };
    this.hops.push(hop);
    return hop;
  }

  /**
   * From the link in chat to the page ShopIQ ends on: `approve` posts the sandbox's
   * consent form (with `seller`: the sandbox seller signed in as). Returns the last hop.
   */
  async connect(link: string, options: { seller?: string; approve?: boolean } = {}): Promise<Hop> {
    let hop = await this.request('GET', link);
    for (let i = 0; i < 8 && hop.location; i++) {
      const next = hop.location;
      hop = await this.request('GET', next);
      if (hop.status === 200 && /<form/i.test(hop.body) && options.approve !== false) {
        // the consent page: the seller approves
        const consent = new URL(next);
        const form = new URLSearchParams(consent.searchParams);
        if (options.seller) form.set('seller', options.seller);
        hop = await this.request('POST', `${consent.origin}${consent.pathname}`, form);
      }
    }
    return hop;
  }
}

/** A free TCP port on loopback (for a service whose public URL must be known before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
