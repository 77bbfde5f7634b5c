// Streams the same chat completion N times, one after another, with the official openai package
// (stream: true, iterating the chunks), and prints the CPU seconds the streams cost this process,
// start-up and module loading excluded.
// Usage: OPENAI_NODE_DIR=DIR node node-client.mjs BASE_URL N
// DIR is where `npm install openai` was run (default: the current directory), so that the
// package stays outside the source tree.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(path.resolve(process.env.OPENAI_NODE_DIR ?? '.'), 'x.js'));
const openai = require('openai');
const OpenAI = openai.OpenAI ?? openai.default ?? openai;

const [baseURL, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 1);
const client = new OpenAI({ baseURL, apiKey: 'none', maxRetries: 0 });

const before = process.cpuUsage();
let chars = 0;
let chunks = 0;
for (let i = 0; i < count; ++i) {
    const stream = await client.chat.completions.create({
        model: 'm',
        messages: [{ role: 'user', content: 'Write a long answer.' }],
        stream: true,
        stream_options: { include_usage: true },
    });
    for await (const chunk of stream) {
        ++chunks;
        chars += chunk.choices[0]?.delta?.content?.length ?? 0;
    }
}
const used = process.cpuUsage(before);
console.log(JSON.stringify({ streams: count, chunks, chars, user_s: used.user / 1e6, sys_s: used.system / 1e6 }));
