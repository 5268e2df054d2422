/**
 * An authorize endpoint with a consent step, as the marketplaces run it: GET checks the
 * authorize parameters and shows the consent page; POST (that page's form, urlencoded)
 * checks the same parameters again, now from the body, then approves (the marketplace
 * issues its code and redirects to the app) or, when the seller cancels, redirects with
 * `error=access_denied` and the state. A failed check answers the marketplace's own error
 * both times, before anything is shown or issued.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { type ConsentPage, consentHeaders, DECISION_FIELD, sendConsentPage } from './consent-page.ts';

/** Authorize parameters: one string each (a repeated one counts once, the last wins). */
export type AuthorizeParams = Record<string, string>;

export interface ConsentFlow<T extends { redirect: URL }> {
  /** The marketplace's checks; on failure it answers the error itself and returns undefined. */
  check(params: AuthorizeParams, req: Request, res: Response): T | undefined;
  page(checked: T, params: AuthorizeParams): ConsentPage;
  /** Issues the code: the redirect URI with the callback parameters. */
  approve(checked: T, params: AuthorizeParams): URL;
}

export function consentRoutes<T extends { redirect: URL }>(
  flow: ConsentFlow<T>,
): { show: RequestHandler; submit: RequestHandler[] } {
  return {
    show: (req, res) => {
      const params = authorizeParams(req.query);
      const checked = flow.check(params, req, res);
      if (!checked) return;
      const action = req.originalUrl.split('?')[0] as string;
      sendConsentPage(res, flow.page(checked, params), action, params);
    },
    submit: [
      express.urlencoded({ extended: false, limit: '20kb' }),
      (req, res) => {
        const { [DECISION_FIELD]: decision, ...params } = authorizeParams(req.body);
        const checked = flow.check(params, req, res);
        if (!checked) return;
        const target = decision === 'deny' ? denied(checked.redirect, params.state) : flow.approve(checked, params);
        consentHeaders(res);
        res.redirect(302, target.toString());
      },
    ],
  };
}

function denied(redirect: URL, state: string | undefined): URL {
  const target = new URL(redirect);
  target.searchParams.set('error', 'access_denied');
  if (state) target.searchParams.set('state', state);
  return target;
}

function authorizeParams(source: unknown): AuthorizeParams {
  const params: AuthorizeParams = {};
  if (!source || typeof source !== 'object') return params;
  for (const [name, value] of Object.entries(source)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (typeof last === 'string') params[name] = last;
  }
  return params;
}
