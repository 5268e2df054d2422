/**
 * Chromium for browser tests, driven by playwright-core. playwright-core ships no
 * browser: the machine's Chromium is used (Debian's `chromium` package; .ci/run installs
 * it when missing), or the one CHROMIUM_PATH names.
 */
import { accessSync, constants } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium binary: CHROMIUM_PATH, else the Debian/Ubuntu locations. */
export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (isExecutable(configured)) return configured;
    throw new Error(`CHROMIUM_PATH is ${configured}, which is not an executable file`);
  }
  const found = SYSTEM_CHROMIUM.find(isExecutable);
  if (found) return found;
  throw new Error(
    `no Chromium found at ${SYSTEM_CHROMIUM.join(' or ')}: install Debian's package ` +
      '(`apt-get install -y --no-install-recommends chromium`, as root or with sudo; .ci/run does this) ' +
      'or set CHROMIUM_PATH to a Chromium binary',
  );
}

/** Headless Chromium; --no-sandbox because CI runs as root, where Chromium's sandbox refuses to start. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** A page in a new context sized and behaving like a phone (390×844 CSS px, 2× pixels, touch). */
export async function phonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  return context.newPage();
}

export interface Readability {
  /** Width of the laid-out document; more than viewportWidth means a horizontal scroll. */
  scrollWidth: number;
  /** Layout viewport width in CSS px (390 on phonePage when the page declares width=device-width). */
  viewportWidth: number;
  /** The smallest computed font size of any visible element that shows text (Infinity when none). */
  minFontPx: number;
  /** How many visible text elements were measured. */
  textElements: number;
}

/** How the page reads on its screen: horizontal overflow and the smallest visible text. */
export function readability(page: Page): Promise<Readability> {
  return page.evaluate(measureReadability);
}

// Runs inside the page, serialised by Playwright: self-contained, no named inner functions.
// The project's types are Node's, so the DOM is reached untyped.
function measureReadability(): Readability {
  const { document, getComputedStyle } = globalThis as any;
  const root = document.documentElement;
  let minFontPx = Number.POSITIVE_INFINITY;
  let textElements = 0;
  for (const element of document.body.querySelectorAll('*')) {
    const control = element.matches('button, select, textarea, input:not([type=hidden])');
    let ownText = false;
    for (const node of element.childNodes) {
      if (node.nodeType === 3 && node.textContent.trim() !== '') ownText = true;
    }
    if (!control && !ownText) continue;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    textElements++;
    minFontPx = Math.min(minFontPx, Number.parseFloat(style.fontSize));
  }
  return { scrollWidth: root.scrollWidth, viewportWidth: root.clientWidth, minFontPx, textElements };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
