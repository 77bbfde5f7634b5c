// Serves one recorded OpenAI event stream, the same bytes for every POST /v1/chat/completions,
// at once and without delays, so that what a client spends on a stream is all its own work.
// Usage: node replay-server.mjs STREAM_FILE [PORT]   (PORT 0 or none: a free one)
// Prints "listening PORT" on stdout once ready; GET /v1/models lists the model "m".
import { readFileSync } from 'node:fs';
import http from 'node:http';

const [file, portArg] = process.argv.slice(2);
if (!file) {
    console.error('usage: node replay-server.mjs STREAM_FILE [PORT]');
    process.exit(2);
}
const body = readFileSync(file);
const models = JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model', owned_by: 'replay' }] });

const server = http.createServer((req, res) => {
    // The request body is read and ignored: every request gets the recorded answer.
    req.resume();
    req.on('end', () => {
        if (req.method === 'GET' && req.url.endsWith('/models')) {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(models);
        } else if (req.method === 'POST' && req.url.includes('/chat/completions')) {
            res.writeHead(200, {
                'content-type': 'text/event-stream',
                'cache-control': 'no-cache',
                'content-length': body.length,
            });
            res.end(body);
        } else {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end('{"error":{"message":"not found"}}');
        }
    });
});
server.keepAliveTimeout = 60000;
server.listen(Number(portArg ?? 0), '127.0.0.1', () => {
    console.log(`listening ${server.address().port}`);
});
