/**
 * Reads the tab-separated data files of the learned parts (data/…/*.tsv): a header line naming the columns,
 * then one row per line. A malformed row stops the reader with its file and line, so a typo in training
 * data is found at training time rather than as a silently weaker model.
 */
import { readFileSync } from 'node:fs';

export class DataFileError extends Error {}

/** Rows of a TSV file as objects keyed by the header's column names. */
export function readTsv(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t');
  const rows: Record<string, string>[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = line.split('\t');
    if (cells.length !== header.length) {
      throw new DataFileError(`${path}:${i + 2}: ${cells.length} columns, expected ${header.length} (${header.join(', ')})`);
    }
    rows.push(Object.fromEntries(header.map((name, j) => [name, cells[j] ?? ''])));
  });
  return rows;
}
