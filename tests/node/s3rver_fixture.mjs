// Test servers for orchard's S3 storage tests, in one node process:
//   s3         s3rver 3.7.1 on 127.0.0.1 (access key S3RVER / S3RVER), bucket "orchard-test"
//   proxy      forwards to s3 but fails on purpose. The n-th time (n = 0, 1, 2, ...) it sees
//              the same method + URL: n % 3 == 0 -> 503 SlowDown, n % 3 == 1 -> the connection
//              is dropped without an answer, n % 3 == 2 -> forwarded. So every
//              request needs exactly two retries, whatever other tests sent before.
//   wrong_region  answers like AWS does for a bucket in another region (eu-west-1)
//   imds       a fake EC2 instance metadata service (IMDSv2) handing out S3RVER credentials
// All ports are free ones chosen by the OS. Prints one JSON line with them, then runs
// until stdin closes or SIGTERM arrives.
// Usage: node --openssl-legacy-provider s3rver_fixture.mjs
// (s3rver encrypts continuation tokens with DES, which OpenSSL 3 only has in its
// legacy provider; without the flag every truncated listing fails with HTTP 500.)
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-s3rver-'));
const s3rver = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  resetOnClose: true,
  configureBuckets: [{ name: 'orchard-test' }],
});
const s3 = await s3rver.run();

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

const seen = new Map();
const proxy = http.createServer((req, res) => {
  const id = `${req.method} ${req.url}`;
  const n = seen.get(id) ?? 0;
  seen.set(id, n + 1);
  const body = [];
  req.on('data', (chunk) => body.push(chunk));
  req.on('end', () => {
    if (n % 3 === 0) {
      const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>' +
        '<Message>Please reduce your request rate.</Message></Error>';
      res.writeHead(503, {
        'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml), Connection: 'close',
      });
      res.end(xml);
      return;
    }
    if (n % 3 === 1) {
      // Hang up without a byte. This lands on a fresh connection (the 503 said
      // "Connection: close"), where libcurl does not retry by itself.
      req.socket.destroy();
      return;
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: s3.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
    upstream.on('error', () => res.destroy());
    upstream.end(Buffer.concat(body));
  });
});

const wrongRegion = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'HEAD') {
      res.writeHead(301, { 'x-amz-bucket-region': 'eu-west-1' });
      res.end();
      return;
    }
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AuthorizationHeaderMalformed</Code>' +
      "<Message>The authorization header is malformed; the region 'us-east-1' is wrong; " +
      "expecting 'eu-west-1'</Message><Region>eu-west-1</Region><RequestId>X</RequestId></Error>";
    res.writeHead(400, { 'Content-Type': 'application/xml', 'x-amz-bucket-region': 'eu-west-1' });
    res.end(xml);
  });
});

const imds = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const base = '/latest/meta-data/iam/security-credentials/';
    if (req.method === 'PUT' && req.url === '/latest/api/token' &&
        req.headers['x-aws-ec2-metadata-token-ttl-seconds']) {
      res.end('imds-session-token');
    } else if (req.headers['x-aws-ec2-metadata-token'] !== 'imds-session-token') {
      res.writeHead(401);
      res.end();
    } else if (req.method === 'GET' && req.url === base) {
      res.end('orchard-role\n');
    } else if (req.method === 'GET' && req.url === base + 'orchard-role') {
      res.end(JSON.stringify({
        Code: 'Success', Type: 'AWS-HMAC', AccessKeyId: 'S3RVER', SecretAccessKey: 'S3RVER',
        Token: 'role-token', Expiration: new Date(Date.now() + 3600e3).toISOString().replace(/\.\d+Z$/, 'Z'),
      }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
});

const ports = {
  s3: s3.port,
  proxy: await listen(proxy),
  wrong_region: await listen(wrongRegion),
  imds: await listen(imds),
};
process.stdout.write(JSON.stringify(ports) + '\n');

async function shutdown() {
  for (const server of [proxy, wrongRegion, imds]) server.close();
  proxy.closeAllConnections?.();
  await s3rver.close().catch(() => {});
  fs.rmSync(directory, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.resume();
