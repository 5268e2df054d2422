/**
 * The Reports API 2021-06-30 as the Amazon client uses it: request a report for a
 * window, poll it (IN_QUEUE → IN_PROGRESS → DONE, FATAL or CANCELLED) with a growing
 * interval, fetch its document and stream the flat file: gunzipped, decoded in its
 * charset, split into rows keyed by the header, never held in memory.
 *
 * CANCELLED means the window held no data (Amazon cancels empty order reports): zero
 * rows. FATAL fails the read as temporary, with the error details Amazon puts in the
 * report's document. The document's URL is presigned storage: no token goes there.
 */
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import type { RequestPacer } from '../adaptive-limiter.ts';
import { MarketplaceError } from '../marketplace-error.ts';
import type { MarketplaceHttp } from '../marketplace-http.ts';
import { sleep } from '../sleep.ts';
import { readLines } from '../text-lines.ts';

export const REPORT_TYPES = {
  orders: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
  merchantReturns: 'GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE',
  fbaReturns: 'GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA',
} as const;
export type ReportType = (typeof REPORT_TYPES)[keyof typeof REPORT_TYPES];

/** A report's data window; no `end` means up to the time Amazon creates it. */
export interface ReportWindow {
  start: number;
  end?: number | undefined;
}

export interface FinishedReport {
  reportId: string;
  status: 'DONE' | 'CANCELLED';
  documentId: string | undefined;
  /** The window as Amazon states it (an open end filled in). */
  dataStartTime: string;
  dataEndTime: string;
}

export interface ReportPacers {
  createReport: RequestPacer;
  getReport: RequestPacer;
  getReportDocument: RequestPacer;
}

const created = z.object({ reportId: z.string().min(1) });
const reportSchema = z.object({
  reportId: z.string(),
  processingStatus: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'DONE', 'FATAL', 'CANCELLED']),
  dataStartTime: z.string(),
  dataEndTime: z.string(),
  reportDocumentId: z.string().nullish(),
});
const documentSchema = z.object({ url: z.string().min(1), compressionAlgorithm: z.string().nullish() });

export class AmazonReportReader {
  readonly #api: MarketplaceHttp;
  readonly #files: MarketplaceHttp;
  readonly #marketplaceId: string;
  readonly #pacers: ReportPacers;
  readonly #pollMs: number;
  readonly #maxPollMs: number;

  constructor(options: {
    api: MarketplaceHttp;
    files: MarketplaceHttp;
    marketplaceId: string;
    pacers: ReportPacers;
    /** The first poll is at once; then waits from this, growing by half up to `maxPollMs`. */
    pollMs: number;
    maxPollMs: number;
  }) {
    this.#api = options.api;
    this.#files = options.files;
    this.#marketplaceId = options.marketplaceId;
    this.#pacers = options.pacers;
    this.#pollMs = options.pollMs;
    this.#maxPollMs = options.maxPollMs;
  }

  async create(reportType: ReportType, window: ReportWindow): Promise<string> {
    const { data } = await this.#api.request(
      {
        method: 'POST',
        url: '/reports/2021-06-30/reports',
        data: {
          reportType,
          marketplaceIds: [this.#marketplaceId],
          dataStartTime: iso(window.start),
          ...(window.end !== undefined ? { dataEndTime: iso(window.end) } : {}),
        },
      },
      { pacer: this.#pacers.createReport },
    );
    const parsed = created.safeParse(data);
    if (!parsed.success) throw new MarketplaceError('amazon', 'unknown', 'createReport answered without a reportId');
    return parsed.data.reportId;
  }

  /** Polls until the report is done or cancelled; FATAL throws. */
  async finish(reportId: string): Promise<FinishedReport> {
    let wait = this.#pollMs;
    for (;;) {
      const { data } = await this.#api.request(
        { method: 'GET', url: `/reports/2021-06-30/reports/${encodeURIComponent(reportId)}` },
        { pacer: this.#pacers.getReport },
      );
      const parsed = reportSchema.safeParse(data);
      if (!parsed.success) throw new MarketplaceError('amazon', 'unknown', `report ${reportId} of an unknown shape`);
      const r = parsed.data;
      if (r.processingStatus === 'DONE' || r.processingStatus === 'CANCELLED') {
        return {
          reportId,
          status: r.processingStatus,
          documentId: r.processingStatus === 'DONE' ? (r.reportDocumentId ?? undefined) : undefined,
          dataStartTime: r.dataStartTime,
          dataEndTime: r.dataEndTime,
        };
      }
      if (r.processingStatus === 'FATAL') {
        const details = r.reportDocumentId ? await this.#errorDetails(r.reportDocumentId) : '';
        throw new MarketplaceError(
          'amazon',
          'temporary',
          `report ${reportId} ended FATAL${details ? `: ${details.slice(0, 300)}` : ''}`,
          { summary: `report ${reportId} ended FATAL` },
        );
      }
      await sleep(wait, this.#api.signal);
      wait = Math.min(this.#maxPollMs, Math.max(1, Math.round(wait * 1.5)));
    }
  }

  /** The rows of a report's flat file, keyed by its header. */
  async *rows(documentId: string): AsyncGenerator<Record<string, string>> {
    const { stream, encoding } = await this.#download(documentId);
    let header: string[] | undefined;
    for await (const line of readLines(stream, encoding)) {
      const cells = line.split('\t');
      if (!header) {
        header = cells.map((c) => c.trim());
        continue;
      }
      const row: Record<string, string> = {};
      for (let i = 0; i < header.length && i < cells.length; i++) row[header[i] as string] = cells[i] as string;
      yield row;
    }
  }

  async #document(documentId: string): Promise<z.infer<typeof documentSchema>> {
    const { data } = await this.#api.request(
      { method: 'GET', url: `/reports/2021-06-30/documents/${encodeURIComponent(documentId)}` },
      { pacer: this.#pacers.getReportDocument },
    );
    const parsed = documentSchema.safeParse(data);
    if (!parsed.success)
      throw new MarketplaceError('amazon', 'unknown', `report document ${documentId} of an unknown shape`);
    return parsed.data;
  }

  async #download(documentId: string): Promise<{ stream: AsyncIterable<Buffer>; encoding: string }> {
    const doc = await this.#document(documentId);
    const response = await this.#files.request<NodeJS.ReadableStream>({
      method: 'GET',
      url: doc.url,
      responseType: 'stream',
      decompress: false,
    });
    const body = response.data;
    const gzip = doc.compressionAlgorithm?.toUpperCase() === 'GZIP';
    const stream = (gzip ? body.pipe(createGunzip()) : body) as unknown as AsyncIterable<Buffer>;
    return { stream, encoding: charsetOf(response.headers['content-type']) };
  }

  /** A FATAL report's document holds what went wrong (JSON, at times gzipped). */
  async #errorDetails(documentId: string): Promise<string> {
    try {
      const { stream, encoding } = await this.#download(documentId);
      let text = '';
      for await (const line of readLines(stream, encoding)) {
        text += line;
        if (text.length > 2000) break;
      }
      return text;
    } catch {
      return '';
    }
  }
}

/** Windows of at most `days` from `from` to `to`; the last is left open when `to` is close to now. */
export function reportWindows(from: number, to: number, days: number, openEnd: boolean): ReportWindow[] {
  const span = days * 86_400_000;
  const windows: ReportWindow[] = [];
  let start = from;
  // an open last window may run a little past `to` (up to Amazon's clock): keep room
  const margin = openEnd ? 2 * 86_400_000 : 0;
  while (start + span < to - margin) {
    windows.push({ start, end: start + span });
    start += span;
  }
  windows.push(openEnd ? { start } : { start, end: to });
  return windows;
}

function charsetOf(contentType: unknown): string {
  const match = /charset=([^;\s]+)/i.exec(String(contentType ?? ''));
  const charset = match?.[1]?.replace(/"/g, '').toLowerCase() ?? 'utf-8';
  try {
    new TextDecoder(charset);
    return charset;
  } catch {
    return 'utf-8';
  }
}

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
