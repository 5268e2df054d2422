/**
 * The sans-serif family charts are drawn in. resvg takes the generic "sans-serif" for
 * Arial, which a Linux server seldom has, and then falls back to the first font it
 * finds (on Debian with only DejaVu: a serif one). So charts name a family this machine
 * has: the first of a short list with a regular face under the usual font folders,
 * looked for once per process. None found: undefined (resvg's own choice).
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FAMILIES: [family: string, regularFace: RegExp][] = [
  ['Noto Sans', /^NotoSans-Regular\.[ot]tf$/i],
  ['Roboto', /^Roboto-Regular\.[ot]tf$/i],
  ['Open Sans', /^OpenSans-Regular\.[ot]tf$/i],
  ['Liberation Sans', /^LiberationSans-Regular\.ttf$/i],
  ['Arial', /^arial\.ttf$/i],
  ['Helvetica', /^Helvetica\.ttc$/i],
  ['DejaVu Sans', /^DejaVuSans\.ttf$/i],
];

const FOLDERS = [
  '/usr/share/fonts',
  '/usr/local/share/fonts',
  path.join(os.homedir(), '.local/share/fonts'),
  path.join(os.homedir(), '.fonts'),
  '/System/Library/Fonts',
  '/Library/Fonts',
  'C:\\Windows\\Fonts',
];

let found: { family: string | undefined; files: string[] } | undefined;

export function sansSerifFamily(): string | undefined {
  return sansSerifFont().family;
}

/**
 * The family and the font files of its faces (regular, bold…): handing resvg these
 * few files spares it reading every font on the machine for each chart.
 */
export function sansSerifFont(): { family: string | undefined; files: string[] } {
  if (!found) {
    const files = FOLDERS.flatMap(fontFiles);
    const match = FAMILIES.find(([, face]) => files.some((f) => face.test(path.basename(f))));
    // the regular face names the family's files: "DejaVuSans.ttf" → "DejaVuSans*.ttf"
    const regular = match && files.find((f) => match[1].test(path.basename(f)));
    const stem = regular && path.basename(regular).replace(/(-Regular)?\.[ot]tf$|\.ttc$/i, '');
    found = {
      family: match?.[0],
      files: stem ? files.filter((f) => path.basename(f).startsWith(stem) && /\.(ttf|otf|ttc)$/i.test(f)) : [],
    };
  }
  return found;
}

function fontFiles(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true }).map((f) => path.join(folder, String(f)));
  } catch {
    return [];
  }
}
