// Reads back the files written by tests/orchard/io/table_fixture_writer with two
// independent readers, DuckDB (@duckdb/node-api) and hyparquet, and checks
// schema, row counts, every value (floats bit for bit), row groups, codecs,
// statistics, key/value metadata and created_by; CSV files through DuckDB's
// read_csv. Usage: node table_read_check.mjs FIXTURE_DIR  (exit 1 on any mismatch)
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const dir = process.argv[2];
const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
let failures = 0;
let checks = 0;

function check(ok, message) {
  checks++;
  if (!ok) {
    failures++;
    if (failures <= 40) console.error(`FAIL ${message}`);
  }
}

const view = new DataView(new ArrayBuffer(8));
function bits32(x) {
  view.setFloat32(0, x, true);
  return view.getUint32(0, true).toString(16).padStart(8, '0');
}
function bits64(x) {
  view.setFloat64(0, x, true);
  return view.getBigUint64(0, true).toString(16).padStart(16, '0');
}
function fromBits32(hex) {
  view.setUint32(0, parseInt(hex, 16), true);
  return view.getFloat32(0, true);
}
function fromBits64(hex) {
  view.setBigUint64(0, BigInt('0x' + hex), true);
  return view.getFloat64(0, true);
}

const duckdbTypes = { string: 'VARCHAR', int64: 'BIGINT', float: 'FLOAT', double: 'DOUBLE', float_list: 'FLOAT[]' };
const codecNames = { none: 'UNCOMPRESSED', snappy: 'SNAPPY', zstd: 'ZSTD' };

// Canonical text of one value as the manifest writes it.
function canonical(type, value) {
  switch (type) {
    case 'string': return value;
    case 'int64': return value === null || value === undefined ? value : value.toString();
    case 'float': return typeof value === 'number' ? bits32(value) : value;
    case 'double': return typeof value === 'number' ? bits64(value) : value;
    case 'float_list': {
      const items = value?.items ?? value;  // DuckDBListValue or array
      return Array.isArray(items) || ArrayBuffer.isView(items) ? Array.from(items, (v) => bits32(v)) : items;
    }
  }
  throw new Error(`unknown type ${type}`);
}

function sameValue(type, got, want) {
  if (type !== 'float_list') return canonical(type, got) === want;
  const items = got?.items ?? got;
  if (!items || items.length !== want.length) return false;
  for (let i = 0; i < want.length; i++) {
    view.setFloat32(0, items[i], true);
    if (view.getUint32(0, true) !== parseInt(want[i], 16)) return false;
  }
  return true;
}

function compareRows(reader, entry, rows) {
  check(rows.length === entry.rows, `${reader} ${entry.file}: ${rows.length} rows, expected ${entry.rows}`);
  for (const { name, type } of entry.columns) {
    const expected = entry.values[name];
    let bad = 0;
    for (let row = 0; row < Math.min(rows.length, entry.rows); row++) {
      if (!sameValue(type, rows[row][name], expected[row]) && bad++ < 3) {
        const got = JSON.stringify(canonical(type, rows[row][name]));
        check(false, `${reader} ${entry.file} column ${name} row ${row}: got ${got.slice(0, 200)}, expected ${JSON.stringify(expected[row]).slice(0, 200)}`);
      }
    }
    check(bad === 0, `${reader} ${entry.file} column ${name}: ${bad} values differ`);
  }
}

// Expected non-NaN min/max of rows [begin, end) as JS values, or null.
function expectedMinMax(type, values, begin, end) {
  let flat = [];
  for (let row = begin; row < end; row++) {
    if (type === 'float_list') flat.push(...values[row].map(fromBits32));
    else if (type === 'float') flat.push(fromBits32(values[row]));
    else if (type === 'double') flat.push(fromBits64(values[row]));
    else if (type === 'int64') flat.push(BigInt(values[row]));
    else flat.push(Buffer.from(values[row], 'utf8'));
  }
  if (type === 'string') {
    if (flat.length === 0) return null;
    flat.sort(Buffer.compare);  // byte-wise unsigned order
    return { min: flat[0].toString('utf8'), max: flat[flat.length - 1].toString('utf8') };
  }
  // orchard leaves min/max out of float chunks holding a NaN (docs/parquet.md).
  if (flat.length === 0 || flat.some((v) => typeof v === 'number' && Number.isNaN(v))) return null;
  let min = flat[0], max = flat[0];
  for (const v of flat) { if (v < min) min = v; if (v > max) max = v; }
  if (typeof min === 'number') {
    if (min === 0) min = -0;  // the spec's zero rule: -0.0 as min, +0.0 as max
    if (max === 0) max = 0;
  }
  return { min, max };
}

function sameStat(type, got, want) {
  if (type === 'float' || type === 'float_list') return bits32(Number(got)) === bits32(want);
  if (type === 'double') return bits64(Number(got)) === bits64(want);
  if (type === 'int64') return BigInt(got) === want;
  return got === want;
}

async function checkParquetWithDuckDB(connection, entry) {
  const file = path.join(dir, entry.file).replaceAll("'", "''");
  const read = async (sql) => (await connection.runAndReadAll(sql)).getRowObjects();

  const described = await read(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
  check(JSON.stringify(described.map((r) => [r.column_name, r.column_type])) ===
        JSON.stringify(entry.columns.map((c) => [c.name, duckdbTypes[c.type]])),
        `duckdb ${entry.file}: schema ${JSON.stringify(described.map((r) => r.column_type))}`);

  const [{ n }] = await read(`SELECT count(*)::INTEGER AS n FROM read_parquet('${file}')`);
  check(n === entry.rows, `duckdb ${entry.file}: count(*) ${n}, expected ${entry.rows}`);
  compareRows('duckdb', entry, await read(`SELECT * FROM read_parquet('${file}')`));

  const [meta] = await read(`SELECT * FROM parquet_file_metadata('${file}')`);
  check(/^orchard version \d+\.\d+\.\d+/.test(meta.created_by), `duckdb ${entry.file}: created_by ${meta.created_by}`);
  check(Number(meta.num_rows) === entry.rows, `duckdb ${entry.file}: footer num_rows ${meta.num_rows}`);
  // Row groups end at row_group_max_rows or, for wide rows, near row_group_max_bytes.
  const groups = await read(`SELECT DISTINCT row_group_id::INTEGER AS rg, row_group_num_rows::INTEGER AS rows,
      row_group_bytes::BIGINT AS bytes FROM parquet_metadata('${file}') ORDER BY rg`);
  const numGroups = groups.length;
  check(Number(meta.num_row_groups) === numGroups, `duckdb ${entry.file}: ${meta.num_row_groups} row groups`);
  const byBytes = entry.rows * 1280 * 4 > entry.row_group_max_bytes;
  if (!byBytes) {
    check(numGroups === Math.ceil(entry.rows / entry.row_group_max_rows), `duckdb ${entry.file}: ${numGroups} row groups`);
  }
  groups.forEach((g, k) => {
    const last = k === numGroups - 1;
    const where = `duckdb ${entry.file} row group ${k} (${g.rows} rows, ${g.bytes} bytes)`;
    check(g.rows <= entry.row_group_max_rows && (last || byBytes || g.rows === entry.row_group_max_rows), `${where}: row limit`);
    check(Number(g.bytes) <= entry.row_group_max_bytes * 1.02, `${where}: over the byte limit`);
    if (byBytes && !last) check(Number(g.bytes) >= entry.row_group_max_bytes * 0.98, `${where}: well under the byte limit`);
  });
  const firstRow = [0];
  for (const g of groups) firstRow.push(firstRow[firstRow.length - 1] + g.rows);
  check(firstRow[numGroups] === entry.rows, `duckdb ${entry.file}: row groups hold ${firstRow[numGroups]} rows`);
  entry.groupStarts = firstRow;

  const kv = await read(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${file}')`);
  check(JSON.stringify(kv.map((r) => [r.k, r.v])) === JSON.stringify(entry.metadata),
        `duckdb ${entry.file}: key/value metadata ${JSON.stringify(kv)}`);

  const schema = await read(`SELECT name, converted_type, logical_type, repetition_type FROM parquet_schema('${file}')`);
  for (const { name, type } of entry.columns) {
    const element = schema.find((r) => r.name === name);
    if (type === 'string') check(element?.converted_type === 'UTF8' && /String/.test(element?.logical_type), `duckdb ${entry.file}: ${name} not UTF8/STRING`);
    if (type === 'float_list') check(element?.converted_type === 'LIST' && /List/.test(element?.logical_type), `duckdb ${entry.file}: ${name} not LIST`);
    check(element?.repetition_type === 'REQUIRED', `duckdb ${entry.file}: ${name} is ${element?.repetition_type}`);
  }

  const chunks = await read(`SELECT row_group_id::INTEGER AS rg, column_id::INTEGER AS col, compression, encodings,
      stats_null_count, stats_min_value, stats_max_value FROM parquet_metadata('${file}')`);
  check(chunks.length === numGroups * entry.columns.length, `duckdb ${entry.file}: ${chunks.length} column chunks`);
  for (const chunk of chunks) {
    const { name, type } = entry.columns[chunk.col];
    const where = `duckdb ${entry.file} row group ${chunk.rg} column ${name}`;
    check(chunk.compression === codecNames[entry.compression], `${where}: codec ${chunk.compression}`);
    check(Number(chunk.stats_null_count) === 0, `${where}: null_count ${chunk.stats_null_count}`);
    if (name === 'label') check(chunk.encodings.includes('RLE_DICTIONARY'), `${where}: encodings ${chunk.encodings}`);
    if (name === 'label' && entry.file.startsWith('unique_labels')) {
      check(/PLAIN/.test(chunk.encodings), `${where}: no PLAIN fallback in ${chunk.encodings}`);
    }
    const want = expectedMinMax(type, entry.values[name], firstRow[chunk.rg], firstRow[chunk.rg + 1]);
    // DuckDB shows no value for infinite float statistics; hyparquet checks those below.
    for (const side of ['min', 'max']) {
      const got = chunk[`stats_${side}_value`];
      const expected = want?.[side];
      if (got === null) {
        check(expected === undefined || expected === Infinity || expected === -Infinity, `${where}: no ${side}, expected ${expected}`);
      } else {
        check(expected !== undefined && sameStat(type, got, expected), `${where}: ${side} ${got}, expected ${expected}`);
      }
    }
  }

  // Filters that DuckDB answers with row-group pruning: wrong statistics would drop rows.
  for (const { name, type } of entry.columns) {
    if (type === 'float_list' || entry.rows === 0) continue;
    for (const probe of [0, Math.floor(entry.rows / 2), entry.rows - 1]) {
      const raw = entry.values[name][probe];
      const literal = type === 'string' ? `'${raw.replaceAll("'", "''")}'`
        : type === 'int64' ? raw
        : type === 'float' ? `'${fromBits32(raw)}'::FLOAT` : `'${fromBits64(raw)}'::DOUBLE`;
      const [{ c }] = await read(`SELECT count(*)::INTEGER AS c FROM read_parquet('${file}') WHERE ${name} >= ${literal}`);
      const pivot = type === 'string' ? Buffer.from(raw) : type === 'int64' ? BigInt(raw) : type === 'float' ? fromBits32(raw) : fromBits64(raw);
      const expected = entry.values[name].filter((v) => {
        const x = type === 'string' ? Buffer.from(v) : type === 'int64' ? BigInt(v) : type === 'float' ? fromBits32(v) : fromBits64(v);
        // DuckDB orders NaN above every number and equal to itself.
        if (type === 'string') return Buffer.compare(x, pivot) >= 0;
        if (Number.isNaN(pivot)) return Number.isNaN(x);
        return Number.isNaN(x) || x >= pivot;
      }).length;
      check(c === expected, `duckdb ${entry.file}: WHERE ${name} >= row ${probe} gives ${c}, expected ${expected}`);
    }
  }
}

async function checkParquetWithHyparquet(entry) {
  const file = await asyncBufferFromFile(path.join(dir, entry.file));
  const metadata = await parquetMetadataAsync(file);
  check(/^orchard version /.test(metadata.created_by), `hyparquet ${entry.file}: created_by ${metadata.created_by}`);
  check(Number(metadata.num_rows) === entry.rows, `hyparquet ${entry.file}: num_rows ${metadata.num_rows}`);
  const kv = (metadata.key_value_metadata ?? []).map((e) => [e.key, e.value]);
  check(JSON.stringify(kv) === JSON.stringify(entry.metadata), `hyparquet ${entry.file}: key/value ${JSON.stringify(kv)}`);
  metadata.row_groups.forEach((group, rg) => {
    group.columns.forEach((chunk, col) => {
      const { name, type } = entry.columns[col];
      const stats = chunk.meta_data.statistics;
      const want = expectedMinMax(type, entry.values[name], entry.groupStarts[rg], entry.groupStarts[rg + 1]);
      const where = `hyparquet ${entry.file} row group ${rg} column ${name}`;
      check(Number(stats?.null_count) === 0, `${where}: null_count ${stats?.null_count}`);
      for (const side of ['min', 'max']) {
        const got = stats?.[`${side}_value`];
        check(want === null ? got === undefined : got !== undefined && sameStat(type, got, want[side]),
              `${where}: ${side} ${got}, expected ${want?.[side]}`);
      }
    });
  });
  compareRows('hyparquet', entry, await parquetReadObjects({ file, compressors }));
}

async function checkCsvWithDuckDB(connection, entry) {
  const file = path.join(dir, entry.file).replaceAll("'", "''");
  const columns = entry.columns.map((c) => `'${c.name}': '${c.type === 'float_list' ? 'VARCHAR' : duckdbTypes[c.type]}'`);
  const source = `read_csv('${file}', header = true, delim = ',', quote = '"', escape = '"',
      allow_quoted_nulls = false, columns = {${columns.join(', ')}})`;
  const result = await connection.runAndReadAll(`SELECT * FROM ${source}`);
  const rows = result.getRowObjects();
  // The list cell is "[v0,v1,...]": parse it by hand, and also let DuckDB cast it to FLOAT[].
  const parseNumber = (t) => (t === 'inf' ? Infinity : t === '-inf' ? -Infinity : Number(t));
  const parsed = rows.map((r) => ({ ...r, features: r.features === '[]' ? [] : r.features.slice(1, -1).split(',').map((t) => Math.fround(parseNumber(t))) }));
  compareRows('duckdb-csv', entry, parsed);
  const cast = (await connection.runAndReadAll(`SELECT features::FLOAT[] AS features FROM ${source}`)).getRowObjects();
  compareRows('duckdb-csv-cast', { ...entry, columns: entry.columns.filter((c) => c.name === 'features') }, cast);
}

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
for (const entry of manifest) {
  const started = Date.now();
  if (entry.format === 'parquet') {
    await checkParquetWithDuckDB(connection, entry);
    await checkParquetWithHyparquet(entry);
  } else {
    await checkCsvWithDuckDB(connection, entry);
  }
  if (process.env.ORCHARD_TIMING) console.log(entry.file, Date.now() - started, 'ms');
}
console.log(`${manifest.length} files, ${checks} checks, ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
