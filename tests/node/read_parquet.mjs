// Reads Parquet files with DuckDB, an independent reader, and writes their rows
// as JSON lines so Python test scripts can compare them with references.
// Usage: node read_parquet.mjs 'OUT/features/*.parquet' rows.jsonl
// Rows come in file-name order, then row order within each file.
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';

const [glob, outPath] = process.argv.slice(2);
if (!glob || !outPath) {
  console.error('usage: node read_parquet.mjs GLOB OUT.jsonl');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const quoted = glob.replaceAll("'", "''");
const reader = await connection.runAndReadAll(
  `SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet('${quoted}', filename = true, ` +
  `file_row_number = true) ORDER BY filename, file_row_number`);
const columns = reader.columnNames();
const lines = reader.getRows().map((row) => {
  const object = {};
  columns.forEach((name, i) => {
    const value = row[i];
    object[name] = value && typeof value === 'object' && 'items' in value ? value.items : value;
  });
  return JSON.stringify(object, (_, v) => (typeof v === 'bigint' ? Number(v) : v));
});
writeFileSync(outPath, lines.join('\n') + (lines.length ? '\n' : ''));
