// Copies a local folder into the test S3 server, or an S3 prefix back into a
// local folder, so the end-to-end tests can feed orchard s3:// inputs and read
// its s3:// outputs with the same tools as local ones. Test-only: it sends
// anonymous path-style requests, which s3rver accepts (AWS would not), and it
// never sees a credential.
// Usage:
//   node s3_copy.mjs upload   ENDPOINT LOCAL_DIR s3://bucket/prefix
//   node s3_copy.mjs download ENDPOINT s3://bucket/prefix LOCAL_DIR
// Prints how many objects it copied. Exits 1 on any HTTP error.
import fs from 'node:fs';
import path from 'node:path';

function parseS3(uri) {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  const prefix = match[2] === '' || match[2].endsWith('/') ? match[2] : `${match[2]}/`;
  return { bucket: match[1], prefix };
}

function objectUrl(endpoint, bucket, key) {
  return `${endpoint}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

async function check(response, what) {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

function localFiles(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return localFiles(full, base);
    return entry.isFile() ? [path.relative(base, full).split(path.sep).join('/')] : [];
  });
}

async function upload(endpoint, dir, uri) {
  const { bucket, prefix } = parseS3(uri);
  const files = localFiles(dir);
  for (const file of files) {
    const url = objectUrl(endpoint, bucket, prefix + file);
    await check(await fetch(url, { method: 'PUT', body: fs.readFileSync(path.join(dir, file)) }), `PUT ${url}`);
  }
  return files.length;
}

// Every key under the prefix, following continuation tokens.
async function listKeys(endpoint, bucket, prefix) {
  const keys = [];
  let token = null;
  do {
    const query = new URLSearchParams({ 'list-type': '2', prefix });
    if (token) query.set('continuation-token', token);
    const url = `${endpoint}/${bucket}?${query}`;
    const xml = await (await check(await fetch(url), `GET ${url}`)).text();
    for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(decodeXml(m[1]));
    const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml);
    token = /<IsTruncated>true<\/IsTruncated>/.test(xml) && next ? decodeXml(next[1]) : null;
  } while (token);
  return keys;
}

function decodeXml(text) {
  return text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'").replaceAll('&amp;', '&');
}

async function download(endpoint, uri, dir) {
  const { bucket, prefix } = parseS3(uri);
  const keys = await listKeys(endpoint, bucket, prefix);
  for (const key of keys) {
    const url = objectUrl(endpoint, bucket, key);
    const body = Buffer.from(await (await check(await fetch(url), `GET ${url}`)).arrayBuffer());
    const target = path.join(dir, ...key.slice(prefix.length).split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, body);
  }
  return keys.length;
}

const [command, endpoint, from, to] = process.argv.slice(2);
try {
  if (command === 'upload' && to) {
    console.log(`uploaded ${await upload(endpoint, from, to)} objects to ${to}`);
  } else if (command === 'download' && to) {
    console.log(`downloaded ${await download(endpoint, from, to)} objects from ${from}`);
  } else {
    console.error('usage: node s3_copy.mjs upload ENDPOINT DIR s3://bucket/prefix\n' +
                  '       node s3_copy.mjs download ENDPOINT s3://bucket/prefix DIR');
    process.exit(2);
  }
} catch (error) {
  console.error(`s3_copy: ${error.message}`);
  process.exit(1);
}
