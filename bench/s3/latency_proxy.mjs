// Forwards HTTP to an S3 server after a fixed delay per request, like the
// first-byte latency of a remote S3 region, so that a benchmark on one machine
// shows whether reads overlap. Benchmark-only.
// Usage: node latency_proxy.mjs UPSTREAM_PORT DELAY_MS   (prints its port, runs until killed)
import http from 'node:http';

const [upstreamPort, delayMs] = process.argv.slice(2).map(Number);
const server = http.createServer((req, res) => {
  const body = [];
  req.on('data', (chunk) => body.push(chunk));
  req.on('end', () => setTimeout(() => {
    const upstream = http.request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
    upstream.on('error', () => res.destroy());
    upstream.end(Buffer.concat(body));
  }, delayMs));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
