/**
 * Reports API 2021-06-30 and the report documents behind presigned URLs.
 *   POST   /reports/2021-06-30/reports {reportType, marketplaceIds, dataStartTime?, dataEndTime?} → 202 {reportId}
 *   GET    /reports/2021-06-30/reports/{reportId}   IN_QUEUE → IN_PROGRESS → DONE | FATAL | CANCELLED
 *   DELETE /reports/2021-06-30/reports/{reportId}   cancels a report still IN_QUEUE
 *   GET    /reports/2021-06-30/documents/{id}       → {reportDocumentId, url, compressionAlgorithm}
 *   GET    /_documents/{id}?X-Amz-…                  the GZIP'd TSV, streamed (no token; the URL expires in 5 minutes)
 * Each getReport moves a report one state on, so clients meet every state, and a
 * report is done anyway once it is READY_MS old (wall clock), so reports requested
 * ahead are ready when the client comes to them, as on Amazon. A report
 * ends CANCELLED when its window holds no data (as Amazon's order reports do) and FATAL
 * when its window is longer than the type allows (all orders: 30 days; merchant
 * returns: 60 days). Sandbox extension:
 * reportOptions {"_sandboxOutcome": "FATAL" | "CANCELLED"} forces the end state.
 * Contents are rendered from the world when downloaded, within the report's window.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import express, { Router } from 'express';
import type { SandboxContext } from '../sandbox-context.ts';
import { hashKeys } from '../world/random.ts';
import { badInput, parseTime, rateLimit, sellerOf, spError } from './amazon-http.ts';
import { iso } from './amazon-records.ts';
import { REPORT_TYPES, tsvChunks } from './amazon-report-files.ts';

const DAY = 86_400_000;
const URL_TTL_S = 300;
/** Wall-clock age at which a report is done however often it was polled. */
const READY_MS = 100;
const STAGES = ['IN_QUEUE', 'IN_PROGRESS'] as const;
type Outcome = 'DONE' | 'FATAL' | 'CANCELLED';

interface Report {
  reportId: string;
  storeKey: string;
  reportType: string;
  marketplaceIds: string[];
  start: number;
  end: number;
  createdTime: number;
  /** Wall clock at creation (READY_MS). */
  createdAt: number;
  polls: number;
  forced?: Outcome;
  outcome?: Outcome;
  processingStartTime?: number;
  processingEndTime?: number;
  documentId?: string;
  failure?: string;
}

export function createAmazonReportsRouter(ctx: SandboxContext): { api: Router; downloads: Router } {
  const reports = new Map<string, Report>();
  const documents = new Map<string, Report>();
  const secret = randomBytes(32);
  let sequence = 0;
  const api = Router();

  api.post('/reports', express.json({ limit: '100kb' }), rateLimit(ctx, 'createReport', 0.0167, 15), (req, res) => {
    const store = sellerOf(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const reportType = String(body.reportType ?? '');
    if (!REPORT_TYPES[reportType]) return void badInput(res, `Report type ${reportType || '(none)'} is not supported.`);
    const marketplaceIds = Array.isArray(body.marketplaceIds) ? body.marketplaceIds.map(String) : [];
    if (!marketplaceIds.includes(store.amazonMarketplace?.id ?? '')) {
      return void badInput(res, 'marketplaceIds must name a marketplace the seller participates in.');
    }
    const now = ctx.world.clockMs;
    const start = body.dataStartTime === undefined ? now : parseTime(String(body.dataStartTime));
    const end = body.dataEndTime === undefined ? now : parseTime(String(body.dataEndTime));
    if (Number.isNaN(start) || Number.isNaN(end))
      return void badInput(res, 'dataStartTime and dataEndTime must be ISO 8601 date-times.');
    if (start > now || end > now) return void badInput(res, 'dataStartTime and dataEndTime must not be in the future.');
    if (start > end) return void badInput(res, 'dataStartTime must be before dataEndTime.');
    const options = (body.reportOptions ?? {}) as Record<string, unknown>;
    const forced = options._sandboxOutcome;
    if (forced !== undefined && forced !== 'FATAL' && forced !== 'CANCELLED' && forced !== 'DONE') {
      return void badInput(res, 'reportOptions._sandboxOutcome must be DONE, FATAL or CANCELLED.');
    }
    sequence++;
    const reportId = String(50_000_000_000 + sequence * 1_117 + (hashKeys(ctx.world.seed, 'report', sequence) % 1000));
    reports.set(reportId, {
      reportId,
      storeKey: store.key,
      reportType,
      marketplaceIds,
      start,
      end,
      createdTime: now,
      createdAt: Date.now(),
      polls: 0,
      ...(forced ? { forced: forced as Outcome } : {}),
    });
    res.status(202).json({ reportId });
  });

  api.get('/reports/:reportId', rateLimit(ctx, 'getReport', 2, 15), (req, res) => {
    const report = reports.get(String(req.params.reportId));
    if (!report || report.storeKey !== sellerOf(res).key) return void reportNotFound(res);
    while (!report.outcome && Date.now() - report.createdAt >= READY_MS) advance(report);
    res.json(view(report));
    advance(report);
  });

  api.delete('/reports/:reportId', rateLimit(ctx, 'cancelReport', 0.0222, 10), (req, res) => {
    const report = reports.get(String(req.params.reportId));
    if (!report || report.storeKey !== sellerOf(res).key) return void reportNotFound(res);
    if (report.polls > 0) return void badInput(res, 'Only reports that are IN_QUEUE can be cancelled.');
    report.polls = STAGES.length;
    report.outcome = 'CANCELLED';
    report.processingEndTime = ctx.world.clockMs;
    res.status(200).end();
  });

  api.get('/documents/:documentId', rateLimit(ctx, 'getReportDocument', 0.0167, 15), (req, res) => {
    const id = String(req.params.documentId);
    const report = documents.get(id);
    if (!report || report.storeKey !== sellerOf(res).key) {
      return void spError(res, 404, 'NotFound', 'The requested report document was not found.');
    }
    const amzDate = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const url = `${ctx.baseUrl()}/amazon/_documents/${encodeURIComponent(id)}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${amzDate}&X-Amz-Expires=${URL_TTL_S}&X-Amz-Signature=${sign(id, amzDate)}`;
    res.json({ reportDocumentId: id, url, ...(report.outcome === 'DONE' ? { compressionAlgorithm: 'GZIP' } : {}) });
  });

  const downloads = Router();
  downloads.get('/:documentId', async (req, res) => {
    const id = String(req.params.documentId);
    const amzDate = String(req.query['X-Amz-Date'] ?? '');
    const given = Buffer.from(String(req.query['X-Amz-Signature'] ?? ''), 'utf8');
    const expected = Buffer.from(sign(id, amzDate), 'utf8');
    const report = documents.get(id);
    if (!report || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return void s3Error(
        res,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    const issued = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!(Date.now() <= issued + URL_TTL_S * 1000)) return void s3Error(res, 'AccessDenied', 'Request has expired');
    if (report.outcome !== 'DONE') {
      return void res
        .type('application/json')
        .send(JSON.stringify({ errorDetails: report.failure ?? 'Report processing failed.' }));
    }
    const store = ctx.world.store(report.storeKey);
    const type = REPORT_TYPES[report.reportType];
    if (!store || !type) return void s3Error(res, 'NoSuchKey', 'The specified key does not exist.');
    res.status(200).type('application/octet-stream');
    try {
      await pipeline(
        Readable.from(tsvChunks(type, type.rows(ctx.world, store, report.start, report.end))),
        createGzip(),
        res,
      );
    } catch {
      res.destroy(); // the client went away mid-stream
    }
  });

  function sign(id: string, amzDate: string): string {
    return createHmac('sha256', secret).update(`${id}\n${amzDate}`).digest('hex');
  }

  /** One state per poll; the end state is decided when processing ends. */
  function advance(report: Report): void {
    if (report.outcome) return;
    report.polls++;
    if (report.polls === 1) {
      report.processingStartTime = ctx.world.clockMs;
      return;
    }
    report.processingEndTime = ctx.world.clockMs;
    report.outcome = report.forced ?? naturalOutcome(report);
    if (report.outcome === 'CANCELLED') return;
    if (report.outcome === 'FATAL') report.failure ??= 'Report processing failed.';
    const region = ctx.world.store(report.storeKey)?.amazonMarketplace?.region ?? 'na';
    const h = (n: number) => (hashKeys(ctx.world.seed, report.reportId, 'doc', n) >>> 0).toString(16).padStart(8, '0');
    report.documentId = `amzn1.spdoc.1.4.${region}.${h(1)}-${h(2).slice(0, 4)}-${h(3).slice(0, 4)}-${h(4).slice(0, 4)}-${h(5)}${h(6).slice(0, 4)}`;
    documents.set(report.documentId, report);
  }

  function naturalOutcome(report: Report): Outcome {
    const type = REPORT_TYPES[report.reportType];
    const store = ctx.world.store(report.storeKey);
    if (!type || !store) return 'FATAL';
    if (type.maxDays !== undefined && report.end - report.start > type.maxDays * DAY) {
      report.failure = `The date range of ${report.reportType} must not exceed ${type.maxDays} days.`;
      return 'FATAL';
    }
    const first = type.rows(ctx.world, store, report.start, report.end).next();
    return first.done ? 'CANCELLED' : 'DONE';
  }

  return { api, downloads };
}

function view(report: Report) {
  const status = report.outcome ?? STAGES[Math.min(report.polls, STAGES.length - 1)];
  return {
    reportId: report.reportId,
    reportType: report.reportType,
    marketplaceIds: report.marketplaceIds,
    dataStartTime: iso(report.start),
    dataEndTime: iso(report.end),
    createdTime: iso(report.createdTime),
    processingStatus: status,
    ...(report.processingStartTime !== undefined ? { processingStartTime: iso(report.processingStartTime) } : {}),
    ...(report.processingEndTime !== undefined ? { processingEndTime: iso(report.processingEndTime) } : {}),
    ...(report.documentId ? { reportDocumentId: report.documentId } : {}),
  };
}

function reportNotFound(res: express.Response): void {
  spError(res, 404, 'NotFound', 'The requested report was not found.');
}

function s3Error(res: express.Response, code: string, message: string): void {
  res
    .status(403)
    .type('application/xml')
    .send(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}
