// A scripted LLM server on loopback for tests: speaks the OpenAI chat-completions and Anthropic
// messages wire formats (JSON and SSE streaming, usage fields, error bodies, Retry-After), so the
// official SDKs talk to it unchanged. Replies are chosen by rules matched against the prompt.
//
//   const server = await startFakeLlmServer({ rules: [{ match: 'x = 0;', reply: searchReplaceReply('x = 0;', 'x = 7;') }] });
//   openai-compatible baseUrl: server.openaiBaseUrl      anthropic baseUrl: server.anthropicBaseUrl
//
// The server never calls out; everything stays on 127.0.0.1.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeApi = 'openai' | 'anthropic';

export interface FakeUsage {
  input?: number;
  output?: number;
  /** Prompt tokens read from cache (OpenAI cached_tokens / Anthropic cache_read_input_tokens). */
  cached?: number;
  /** Anthropic cache_creation_input_tokens. */
  cacheWrite?: number;
  /** Leave usage out of the response entirely, like some local servers. */
  omit?: boolean;
}

export type FakeReply =
  /** A normal answer, streamed in chunks of `chunkSize` characters, `chunkDelayMs` apart. */
  | { kind: 'text'; text: string; usage?: FakeUsage; chunkSize?: number; chunkDelayMs?: number; finishReason?: 'stop' | 'length' }
  /** An HTTP error with the provider's error body. */
  | { kind: 'error'; status: number; message?: string; code?: string; type?: string; headers?: Record<string, string> }
  /** The provider's context-length rejection. */
  | { kind: 'context-length'; limit?: number; actual?: number }
  /** Streams `text`, then sends nothing more until the client goes away. */
  | { kind: 'stall'; text?: string }
  /** Streams `text`, then cuts the connection. */
  | { kind: 'drop'; text?: string }
  /** Streams `text`, then ends the response cleanly without the provider's end marker ([DONE], message_stop). */
  | { kind: 'truncate'; text?: string };

export type FakeTextReply = Extract<FakeReply, { kind: 'text' }>;

export interface FakeRequest {
  api: FakeApi;
  model: string;
  system: string;
  user: string;
  stream: boolean;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export interface FakeRule {
  /** Substring of the prompt (system + user), a pattern, or a predicate; absent matches everything. */
  match?: string | RegExp | ((req: FakeRequest) => boolean);
  /** One reply, a sequence (the n-th match gets the n-th reply, the last repeats), or a function. */
  reply: FakeReply | FakeReply[] | ((req: FakeRequest, n: number) => FakeReply);
}

export interface FakeServerOptions {
  rules?: FakeRule[];
  models?: string[];
  /** When set, requests must carry this key (Bearer / x-api-key); a wrong key gets a 401 that echoes it. */
  apiKey?: string;
  /** Prompts longer than this many characters get the provider's context-length error. */
  maxPromptChars?: number;
}

export interface FakeLlmServer {
  readonly url: string;
  /** For OpenAI SDK / openai-compatible options (`.../v1`). */
  readonly openaiBaseUrl: string;
  /** For the Anthropic SDK (it appends `/v1/messages`). */
  readonly anthropicBaseUrl: string;
  readonly requests: FakeRequest[];
  rules: FakeRule[];
  /** Streams the client abandoned before the end. */
  readonly disconnects: number;
  /** Highest number of requests in flight at once. */
  readonly maxInFlight: number;
  /** Resolves when at least `n` completion requests have arrived. */
  waitForRequests(n: number): Promise<void>;
  /** Streamed content chunks written so far, over all requests. */
  readonly chunksSent: number;
  /** Resolves when the server has written at least `n` streamed content chunks in total. */
  waitForChunks(n: number): Promise<void>;
  /** Resolves when at least `n` streams have been abandoned by their client. */
  waitForDisconnects(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A reply with an explanation paragraph and one SEARCH/REPLACE edit. */
export function searchReplaceReply(search: string, replace: string, explanation = 'This change should improve the score.'): FakeTextReply {
  return { kind: 'text', text: `${explanation}\n\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n` };
}

/** A reply with an explanation paragraph and the block rewritten in a fenced code block. */
export function rewriteReply(code: string, language = 'javascript', explanation = 'A full rewrite of the block.'): FakeTextReply {
  return { kind: 'text', text: `${explanation}\n\n\`\`\`${language}\n${code}\n\`\`\`\n` };
}

function promptText(req: FakeRequest): string {
  return `${req.system}\n${req.user}`;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((c) => (typeof c === 'object' && c && typeof (c as { text?: unknown }).text === 'string' ? (c as { text: string }).text : '')).join('');
  return '';
}

function parseRequest(api: FakeApi, body: Record<string, unknown>, headers: IncomingHttpHeaders): FakeRequest {
  const messages = Array.isArray(body.messages) ? (body.messages as { role?: string; content?: unknown }[]) : [];
  const system = api === 'anthropic' ? contentText(body.system) : messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => contentText(m.content)).join('\n');
  const user = messages.filter((m) => m.role === 'user').map((m) => contentText(m.content)).join('\n');
  return { api, model: String(body.model ?? ''), system, user, stream: body.stream === true, body, headers };
}

const tokens = (chars: number) => Math.max(1, Math.ceil(chars / 4));

function errorBody(api: FakeApi, status: number, message: string, type?: string, code?: string): string {
  if (api === 'anthropic') return JSON.stringify({ type: 'error', error: { type: type ?? (status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error'), message } });
  return JSON.stringify({ error: { message, type: type ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), param: null, code: code ?? null } });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function startFakeLlmServer(options: FakeServerOptions = {}): Promise<FakeLlmServer> {
  const requests: FakeRequest[] = [];
  const ruleHits = new Map<FakeRule, number>();
  const waiters: { n: number; resolve: () => void }[] = [];
  const chunkWaiters: { n: number; resolve: () => void }[] = [];
  let chunksSent = 0;
  const countChunk = () => {
    chunksSent++;
    for (const w of [...chunkWaiters]) {
      if (chunksSent >= w.n) {
        chunkWaiters.splice(chunkWaiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  let disconnects = 0;
  const disconnectWaiters: { n: number; resolve: () => void }[] = [];
  const countDisconnect = () => {
    disconnects++;
    for (const w of [...disconnectWaiters]) {
      if (disconnects >= w.n) {
        disconnectWaiters.splice(disconnectWaiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  let inFlight = 0;
  let maxInFlight = 0;
  const models = options.models ?? ['fake-small', 'fake-large'];
  const state = { rules: options.rules ?? [] };

  function choose(req: FakeRequest): FakeReply {
    for (const rule of state.rules) {
      const m = rule.match;
      const hit = m === undefined || (typeof m === 'string' ? promptText(req).includes(m) : m instanceof RegExp ? m.test(promptText(req)) : m(req));
      if (!hit) continue;
      const n = ruleHits.get(rule) ?? 0;
      ruleHits.set(rule, n + 1);
      const r = rule.reply;
      if (typeof r === 'function') return r(req, n);
      if (Array.isArray(r)) return r[Math.min(n, r.length - 1)] as FakeReply;
      return r;
    }
    return { kind: 'error', status: 400, message: 'fake-llm-server: no scripted reply matches this prompt' };
  }

  function sendError(res: ServerResponse, api: FakeApi, status: number, message: string, headers: Record<string, string> = {}, type?: string, code?: string): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(errorBody(api, status, message, type, code));
  }

  function authorised(api: FakeApi, req: IncomingMessage): string | undefined {
    if (!options.apiKey) return undefined;
    // Anthropic's SDK sends x-api-key or a Bearer token depending on its version; accept both.
    const bearer = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const given = api === 'anthropic' ? String(req.headers['x-api-key'] ?? bearer) : bearer;
    // Echo the key back, as a careless server would, so tests can prove we never repeat it.
    return given === options.apiKey ? undefined : `Incorrect API key provided: ${given}`;
  }

  async function streamText(res: ServerResponse, req: FakeRequest, reply: Extract<FakeReply, { kind: 'text' | 'stall' | 'drop' | 'truncate' }>, closed: () => boolean): Promise<void> {
    const text = reply.text ?? '';
    const size = reply.kind === 'text' ? (reply.chunkSize ?? 40) : Math.max(1, text.length);
    const delay = reply.kind === 'text' ? (reply.chunkDelayMs ?? 0) : 0;
    const usage = reply.kind === 'text' ? (reply.usage ?? {}) : {};
    const input = usage.input ?? tokens(promptText(req).length);
    const output = usage.output ?? tokens(text.length);
    const finish = reply.kind === 'text' ? (reply.finishReason ?? 'stop') : 'stop';
    const send = (event: string | undefined, data: unknown) => {
      if (closed()) return;
      res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    };
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    if (req.api === 'openai') {
      const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model: req.model };
      send(undefined, { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
      for (const c of chunks) {
        if (delay) await sleep(delay);
        if (closed()) return;
        send(undefined, { ...base, choices: [{ index: 0, delta: { content: c }, finish_reason: null }] });
        countChunk();
      }
      if (reply.kind !== 'text') return;
      send(undefined, { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] });
      const streamOptions = req.body.stream_options as { include_usage?: boolean } | undefined;
      if (streamOptions?.include_usage && !usage.omit) {
        send(undefined, {
          ...base,
          choices: [],
          usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output, prompt_tokens_details: { cached_tokens: usage.cached ?? 0 } },
        });
      }
      send(undefined, '[DONE]');
    } else {
      const cached = usage.cached ?? 0;
      const written = usage.cacheWrite ?? 0;
      send('message_start', {
        type: 'message_start',
        message: {
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model: req.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: usage.omit ? { input_tokens: 0, output_tokens: 0 } : { input_tokens: Math.max(0, input - cached - written), cache_read_input_tokens: cached, cache_creation_input_tokens: written, output_tokens: 1 },
        },
      });
      send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      send('ping', { type: 'ping' });
      for (const c of chunks) {
        if (delay) await sleep(delay);
        if (closed()) return;
        send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: c } });
        countChunk();
      }
      if (reply.kind !== 'text') return;
      send('content_block_stop', { type: 'content_block_stop', index: 0 });
      send('message_delta', { type: 'message_delta', delta: { stop_reason: finish === 'length' ? 'max_tokens' : 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.omit ? 0 : output } });
      send('message_stop', { type: 'message_stop' });
    }
  }

  function sendJson(res: ServerResponse, req: FakeRequest, reply: Extract<FakeReply, { kind: 'text' }>): void {
    const usage = reply.usage ?? {};
    const input = usage.input ?? tokens(promptText(req).length);
    const output = usage.output ?? tokens(reply.text.length);
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.api === 'openai') {
      res.end(
        JSON.stringify({
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: 0,
          model: req.model,
          choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: reply.finishReason ?? 'stop' }],
          usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output, prompt_tokens_details: { cached_tokens: usage.cached ?? 0 } },
        }),
      );
    } else {
      res.end(
        JSON.stringify({
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model: req.model,
          content: [{ type: 'text', text: reply.text }],
          stop_reason: reply.finishReason === 'length' ? 'max_tokens' : 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: input - (usage.cached ?? 0), cache_read_input_tokens: usage.cached ?? 0, cache_creation_input_tokens: 0, output_tokens: output },
        }),
      );
    }
  }

  async function handleCompletion(api: FakeApi, httpReq: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return sendError(res, api, 400, 'fake-llm-server: body is not JSON');
    }
    const req = parseRequest(api, body, httpReq.headers);
    requests.push(req);
    for (const w of [...waiters]) {
      if (requests.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    const denied = authorised(api, httpReq);
    if (denied) return sendError(res, api, 401, denied, {}, api === 'anthropic' ? 'authentication_error' : 'invalid_request_error', 'invalid_api_key');
    let reply: FakeReply;
    const size = promptText(req).length;
    if (options.maxPromptChars !== undefined && size > options.maxPromptChars) {
      reply = { kind: 'context-length', limit: tokens(options.maxPromptChars), actual: tokens(size) };
    } else {
      reply = choose(req);
    }
    let closed = false;
    res.on('close', () => {
      if (!res.writableEnded) {
        closed = true;
        countDisconnect();
      }
    });
    switch (reply.kind) {
      case 'error':
        return sendError(res, api, reply.status, reply.message ?? `fake error ${reply.status}`, reply.headers, reply.type, reply.code);
      case 'context-length': {
        const limit = reply.limit ?? 8192;
        const actual = reply.actual ?? limit + 1000;
        return api === 'anthropic'
          ? sendError(res, api, 400, `prompt is too long: ${actual} tokens > ${limit} maximum`)
          : sendError(
              res,
              api,
              400,
              `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${actual} tokens. Please reduce the length of the messages.`,
              {},
              'invalid_request_error',
              'context_length_exceeded',
            );
      }
      case 'text':
        if (!req.stream) return sendJson(res, req, reply);
        await streamText(res, req, reply, () => closed);
        if (!closed) res.end();
        return;
      case 'stall':
        await streamText(res, req, reply, () => closed);
        // Hold the connection open; the client's abort (or server close) ends it.
        return;
      case 'drop':
        await streamText(res, req, reply, () => closed);
        res.socket?.destroy();
        return;
      case 'truncate':
        await streamText(res, req, reply, () => closed);
        if (!closed) res.end();
        return;
    }
  }

  function listModels(api: FakeApi, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (api === 'openai') {
      res.end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) }));
    } else {
      res.end(
        JSON.stringify({
          data: models.map((id) => ({ id, type: 'model', display_name: id, created_at: '2025-01-01T00:00:00Z' })),
          has_more: false,
          first_id: models[0] ?? null,
          last_id: models[models.length - 1] ?? null,
        }),
      );
    }
  }

  const server = createServer((httpReq, res) => {
    const chunks: Buffer[] = [];
    httpReq.on('data', (c: Buffer) => chunks.push(c));
    httpReq.on('end', () => {
      const url = new URL(httpReq.url ?? '/', 'http://127.0.0.1');
      const api: FakeApi = httpReq.headers['anthropic-version'] !== undefined || url.pathname === '/v1/messages' ? 'anthropic' : 'openai';
      const raw = Buffer.concat(chunks).toString('utf8');
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on('close', () => inFlight--);
      const run = async () => {
        if (httpReq.method === 'GET' && url.pathname === '/v1/models') {
          const denied = authorised(api, httpReq);
          return denied ? sendError(res, api, 401, denied) : listModels(api, res);
        }
        if (httpReq.method === 'POST' && url.pathname === '/v1/chat/completions') return handleCompletion('openai', httpReq, res, raw);
        if (httpReq.method === 'POST' && url.pathname === '/v1/messages') return handleCompletion('anthropic', httpReq, res, raw);
        sendError(res, api, 404, `fake-llm-server: no route ${httpReq.method} ${url.pathname}`);
      };
      run().catch((err: unknown) => {
        if (!res.headersSent) sendError(res, api, 500, `fake-llm-server crashed: ${(err as Error).message}`);
        else res.destroy();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    get rules() {
      return state.rules;
    },
    set rules(rules: FakeRule[]) {
      state.rules = rules;
      ruleHits.clear();
    },
    get disconnects() {
      return disconnects;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get chunksSent() {
      return chunksSent;
    },
    waitForRequests(n: number) {
      if (requests.length >= n) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push({ n, resolve }));
    },
    waitForChunks(n: number) {
      if (chunksSent >= n) return Promise.resolve();
      return new Promise<void>((resolve) => chunkWaiters.push({ n, resolve }));
    },
    waitForDisconnects(n: number) {
      if (disconnects >= n) return Promise.resolve();
      return new Promise<void>((resolve) => disconnectWaiters.push({ n, resolve }));
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
