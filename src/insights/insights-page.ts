/**
 * The staff insights page at /insights, mounted only with ADMIN_TOKEN. Signing in is a form posting the token;
 * the answer is an HttpOnly, SameSite=Strict session cookie (see staff-session.ts) scoped to /insights. The page
 * loads its figures from /insights/data (the same report as GET /admin/insights) and draws them with uPlot,
 * served from our own origin; every chart has its figures in a table too, for screen readers and small screens.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { Router, type Response } from 'express';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { projectPath } from '../paths.js';
import { createRefusalLog } from '../refusal-log.js';
import { buildInsights } from './insights-report.js';
import { parseInsightsPeriod } from './insights-period.js';
import { createStaffSessions, cookieValue, SESSION_COOKIE, SESSION_MS } from './staff-session.js';

export interface InsightsPageOptions {
  token: string;
  store: Pick<Store, 'insightFigures'>;
  logger: Logger;
  now?: () => Date;
}

const uplotDir = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));
const publicDir = projectPath('src', 'insights', 'public');

/** Scripts and styles only from this origin; no framing (clickjacking a signed-in page). */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set(SECURITY_HEADERS)
    .type('html')
    .send(
      `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Switchboard</title>
<link rel="stylesheet" href="/insights/assets/uPlot.min.css">
<link rel="stylesheet" href="/insights/assets/insights.css">
</head>
<body>
${body}
</body>
</html>`,
    );
}

function signInPage(res: Response, failed: boolean): void {
  page(
    res,
    failed ? 401 : 200,
    'Sign in',
    `<main class="signin">
<h1>Switchboard insights</h1>
<form method="post" action="/insights/session">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required${failed ? ' aria-describedby="signin-error" aria-invalid="true"' : ''}>
${failed ? '<p id="signin-error" class="error" role="alert">That token is not right.</p>' : ''}
<button type="submit">Sign in</button>
</form>
</main>`,
  );
}

const INSIGHTS_BODY = `<header><h1>Switchboard insights</h1>
<form id="period" class="period" method="get" action="/insights">
<label>From <input type="date" name="from" id="from"></label>
<label>To <input type="date" name="to" id="to"></label>
<button type="submit">Show</button>
</form></header>
<main id="insights" aria-busy="true">
<p id="status" role="status">Loading…</p>
<section aria-labelledby="h-conversations"><h2 id="h-conversations">Conversations per day</h2>
<div class="chart" id="chart-conversations" role="img" aria-label="Conversations per day by channel; the figures are in the table below"></div>
<table id="table-conversations"></table></section>
<section aria-labelledby="h-resolution"><h2 id="h-resolution">Automated resolution</h2>
<p id="resolution-summary"></p>
<div class="chart" id="chart-resolution" role="img" aria-label="Automated resolution rate per day; the figures are in the table below"></div>
<table id="table-resolution"></table></section>
<section aria-labelledby="h-claim"><h2 id="h-claim">Time to claim</h2><p id="claim-summary"></p></section>
<section aria-labelledby="h-csat"><h2 id="h-csat">Customer satisfaction</h2><table id="table-csat"></table></section>
<section aria-labelledby="h-reasons"><h2 id="h-reasons">Handoffs by reason</h2><table id="table-reasons"></table></section>
<section aria-labelledby="h-languages"><h2 id="h-languages">Languages</h2><table id="table-languages"></table></section>
<section aria-labelledby="h-unanswered"><h2 id="h-unanswered">Questions the bot could not answer</h2><table id="table-unanswered"></table></section>
</main>
<script src="/insights/assets/uPlot.iife.min.js"></script>
<script src="/insights/assets/insights.js"></script>`;

export function createInsightsPage(options: InsightsPageOptions): Router {
  const now = options.now ?? (() => new Date());
  const sessions = createStaffSessions(options.token);
  const refusals = createRefusalLog({ logger: options.logger });
  const router = Router();
  const signedIn = (cookieHeader: string | undefined): boolean => sessions.valid(cookieValue(cookieHeader, SESSION_COOKIE), now());

  const assets = { headers: { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' } };
  router.get('/insights/assets/uPlot.iife.min.js', (_req, res) => res.sendFile('uPlot.iife.min.js', { root: uplotDir, ...assets }));
  router.get('/insights/assets/uPlot.min.css', (_req, res) => res.sendFile('uPlot.min.css', { root: uplotDir, ...assets }));
  router.get('/insights/assets/insights.js', (_req, res) => res.sendFile('insights.js', { root: publicDir, ...assets }));
  router.get('/insights/assets/insights.css', (_req, res) => res.sendFile('insights.css', { root: publicDir, ...assets }));

  router.get('/insights', (req, res) => {
    if (signedIn(req.get('cookie'))) page(res, 200, 'Insights', INSIGHTS_BODY);
    else signInPage(res, false);
  });

  router.post('/insights/session', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
    const body: unknown = req.body;
    const token = typeof body === 'object' && body !== null && 'token' in body && typeof body.token === 'string' ? body.token : '';
    if (!sessions.tokenMatches(token)) {
      refusals.refused('insights sign-in', req.ip, { reason: 'wrong token' }, 'insights sign-in refused');
      signInPage(res, true);
      return;
    }
    res.cookie(SESSION_COOKIE, sessions.issue(now()), { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/insights', maxAge: SESSION_MS });
    res.redirect(303, '/insights');
  });

  router.get('/insights/data', async (req, res) => {
    if (!signedIn(req.get('cookie'))) {
      res.status(401).set('Cache-Control', 'no-store').json({ error: 'sign in at /insights' });
      return;
    }
    const at = now();
    res.set('Cache-Control', 'no-store').json(await buildInsights(options.store, parseInsightsPeriod(req.query, at), at));
  });
  return router;
}
