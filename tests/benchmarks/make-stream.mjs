// Writes an OpenAI chat-completion event stream as api.openai.com sends it (the same fields in the
// same order, system_fingerprint, logprobs, stream_options.include_usage): a role chunk, one
// chunk per token, a finish chunk, a usage chunk and [DONE]. The same shape as the stream
// bench_decoding.cpp generates. Usage: node make-stream.mjs TOKENS > stream.sse
const tokens = Number(process.argv[2] ?? 4000);
const words = [' the', ' model', ' token', ' latency', ' request', ' server', ' answer', ' stream',
    ' value', ' time', ' first', ',', '.', '\\n\\n', ' cache', ' layout', ' queue', ' batch', ' à',
    ' déjà', ' naïve', ' über', ' →', ' 速度', ' of', ' and', ' to', ' in', ' is', ' that', '`',
    ' code'];
const head = 'data: {"id":"chatcmpl-AXz3kLqWm8e1YtR6vP0nB4cD2fGhJ","object":"chat.completion.chunk",'
    + '"created":1732480000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_0ba0d124f1",';
const tail = ',"logprobs":null,"finish_reason":null}],"usage":null}\n\n';
let seed = 1234; // a fixed linear congruential sequence: the same file on every run
const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
const parts = [head + '"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null}' + tail];
for (let i = 0; i < tokens; ++i)
    parts.push(head + '"choices":[{"index":0,"delta":{"content":"' + words[next() % words.length] + '"}' + tail);
parts.push(head + '"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}],"usage":null}\n\n');
parts.push(head + `"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":${tokens},"total_tokens":${tokens + 12}}}\n\n`);
parts.push('data: [DONE]\n\n');
process.stdout.write(parts.join(''));
