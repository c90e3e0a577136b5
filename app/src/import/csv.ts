import type { Readable } from 'node:stream';
import { parse, CsvError } from 'csv-parse';

/** A CSV file that cannot be imported; `problems` name the lines. */
export class CsvImportError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'CsvImportError';
  }
}

const MAX_REPORTED = 20;

/**
 * Streams a CSV with a header row and turns each record into a row with `toRow`, which
 * returns an error message instead for an invalid record. Throws `CsvImportError` with
 * the first problems found (missing columns, malformed CSV, invalid rows).
 */
export async function readCsv<T>(
  input: Readable,
  columns: readonly string[],
  toRow: (record: Record<string, string>) => T | string,
): Promise<T[]> {
  const rows: T[] = [];
  const problems: string[] = [];
  const parser = input.pipe(
    parse({
      columns: (header: string[]) => header.map((name) => name.trim()),
      bom: true,
      skip_empty_lines: true,
      max_record_size: 65_536,
      info: true,
    }),
  );
  let checkedHeader = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      if (!checkedHeader) {
        const missing = columns.filter((name) => !(name in record));
        if (missing.length > 0) {
          input.resume();
          throw new CsvImportError([`missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`]);
        }
        checkedHeader = true;
      }
      const row = toRow(record);
      if (typeof row === 'string') {
        if (problems.length < MAX_REPORTED) problems.push(`line ${info.lines}: ${row}`);
      } else {
        rows.push(row);
      }
    }
  } catch (error) {
    if (error instanceof CsvImportError) throw error;
    if (error instanceof CsvError) throw new CsvImportError([`malformed CSV: ${error.message}`]);
    throw error;
  }
  if (problems.length > 0) throw new CsvImportError(problems);
  return rows;
}
