/** Launches the system Chromium for browser tests; they skip (with the reason) on machines without it. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Whether this machine can run the browser tests. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Headless Chromium with flags that suit containers and CI. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // No sandbox inside containers; no GPU, QUIC or background traffic so runs are quiet and repeatable.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
