/**
 * The commands every channel shares, answered without the model: one grammar whether
 * typed in Slack (`/shopiq status`), WhatsApp or the terminal. A message is a command
 * only when its first word is one and the rest fits that command; anything else is a
 * question ("sync status of amazon?" is a question, "sync amazon" a command).
 */
import { MARKETPLACES, type Marketplace } from '../db/enums.ts';

export type Command =
  | { name: 'help' }
  | { name: 'status' }
  | { name: 'sync'; marketplace?: Marketplace }
  | { name: 'connect'; marketplace?: string; account?: string }
  | { name: 'disconnect'; marketplace?: string }
  | { name: 'timezone'; zone?: string }
  | { name: 'currency'; code?: string };

export const COMMAND_HELP: Record<Command['name'], string> = {
  help: 'help: what ShopIQ can do',
  status: 'status: your marketplaces and how fresh their data is',
  sync: 'sync [shopify|flipkart|amazon]: refresh your data now',
  connect: 'connect <shopify|flipkart|amazon> [shop]: link a marketplace account',
  disconnect: 'disconnect <shopify|flipkart|amazon>: unlink it (its data stays until you ask to delete it)',
  timezone: 'timezone <zone, e.g. Asia/Kolkata>: the timezone your days and scheduled syncs follow',
  currency: 'currency <code, e.g. INR>: the currency answers are given in',
};

const isMarketplace = (word: string): word is Marketplace => (MARKETPLACES as readonly string[]).includes(word);

export function parseCommand(text: string): Command | undefined {
  const words = text
    .trim()
    .replace(/^\/?shopiq\s+/i, '')
    .split(/\s+/)
    .filter(Boolean);
  const [first, ...rest] = words;
  const head = first?.toLowerCase().replace(/[.!]$/, '');
  const arg = rest[0];
  switch (head) {
    case 'help':
    case '?':
      return rest.length === 0 ? { name: 'help' } : undefined;
    case 'status':
      return rest.length === 0 ? { name: 'status' } : undefined;
    case 'sync':
    case 'refresh': {
      if (rest.length === 0) return { name: 'sync' };
      const m = arg?.toLowerCase();
      return rest.length === 1 && m && isMarketplace(m) ? { name: 'sync', marketplace: m } : undefined;
    }
    case 'connect':
      return rest.length <= 2 ? { name: 'connect', marketplace: arg?.toLowerCase(), account: rest[1] } : undefined;
    case 'disconnect':
      return rest.length <= 1 ? { name: 'disconnect', marketplace: arg?.toLowerCase() } : undefined;
    case 'timezone':
    case 'tz':
      return rest.length <= 1 ? { name: 'timezone', zone: arg } : undefined;
    case 'currency':
      return rest.length <= 1 ? { name: 'currency', code: arg?.toUpperCase() } : undefined;
    default:
      return undefined;
  }
}
