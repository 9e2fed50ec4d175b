/**
 * CORS for the widget's API calls. The widget is embedded on the shop's own site and calls us cross-origin;
 * it sends no cookies or credentials, so any origin may call (the visitor id is the only key).
 */
import type { NextFunction, Request, Response } from 'express';

/** Express middleware: `Access-Control-Allow-Origin: *`, and answers preflights itself. */
export function allowAnyOrigin(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  // The widget reads Retry-After of a 429 to wait exactly as long as the server asks.
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  if (req.method === 'OPTIONS') {
    // Preflight for the JSON POST (application/json is not a CORS-safelisted content type).
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
    res.setHeader('Access-Control-Max-Age', '600');
    res.sendStatus(204);
    return;
  }
  next();
}
