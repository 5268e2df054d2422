/**
 * One Ctrl-C on `npm start` reaches ShopIQ twice: the terminal signals the whole foreground
 * process group (npm and ShopIQ), and npm forwards its own SIGINT to its child. Signals that
 * arrive within `sameRequestMs` of the first are that one request to stop; a later one is
 * the operator asking again, which stops without waiting.
 */
export type StopSignal = 'stop' | 'same' | 'force';

export const SAME_REQUEST_MS = 1500;

export function stopSignals(sameRequestMs = SAME_REQUEST_MS, now: () => number = Date.now): () => StopSignal {
  let first: number | undefined;
  return () => {
    const at = now();
    if (first === undefined) {
      first = at;
      return 'stop';
    }
    return at - first < sameRequestMs ? 'same' : 'force';
  };
}
