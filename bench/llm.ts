// LLM generator overheads: prompt assembly, reply parsing, and whole calls through the SDK
// against the loopback fake server (so the figure is our overhead, not a model's latency).

import { assemblePrompt, loadPromptTemplates, parseReply } from '../src/core/prompt';
import { createLlmGenerator } from '../src/generators/llm';
import { searchReplaceReply, startFakeLlmServer } from '../test/helpers/fake-llm-server';
import { context, PROGRAM, program, PROMPTS_DIR, request } from '../test/generators/llm/fixtures';
import { runEvolution } from './llm-evolution';

function rate(label: string, n: number, ms: number, unit: string): void {
  console.log(`${label}: ${((n * 1000) / ms).toFixed(0)} ${unit}/s (${(ms / n).toFixed(3)} ms each, n=${n})`);
}

export async function run(): Promise<void> {
  const templates = loadPromptTemplates(PROMPTS_DIR, 'command');
  const filler = `function priority(item, bins) {\n${'  const waste = bins.map((b) => b - item);\n'.repeat(60)}  return waste;\n}\n`;
  const req = request({
    inspirations: [program({ id: 'c2', score: 1, blocks: [filler] }), program({ id: 'c3', score: 2, blocks: [filler] })],
    recentFailures: [1, 2, 3].map((i) => ({ code: PROGRAM.replace('-(b - item)', `b * ${i}`), error: `score dropped ${i}` })),
    humanNotes: ['keep it readable'],
  });

  let n = 2000;
  let t = performance.now();
  for (let i = 0; i < n; i++) assemblePrompt(req, templates, 100_000);
  rate('prompt assembly (2 inspirations, 3 failures with diffs)', n, performance.now() - t, 'prompts');

  n = 200;
  t = performance.now();
  for (let i = 0; i < n; i++) assemblePrompt(req, templates, 1500);
  rate('prompt assembly with trimming to a 1,500-token budget', n, performance.now() - t, 'prompts');

  const reply = `Tighter fit.\n\n<<<<<<< SEARCH\n  return bins.map((b) => -(b - item));\n=======\n  return bins.map((b) => (b >= item ? item - b : -1e9));\n>>>>>>> REPLACE\n`;
  n = 20000;
  t = performance.now();
  for (let i = 0; i < n; i++) parseReply(reply, { parent: req.parent, language: 'javascript' });
  rate('reply parsing (one SEARCH/REPLACE edit)', n, performance.now() - t, 'replies');

  const server = await startFakeLlmServer({ rules: [{ reply: searchReplaceReply('  return bins.map((b) => -(b - item));', '  return bins;') }] });
  try {
    for (const [provider, baseUrl] of [
      ['openai-compatible', server.openaiBaseUrl],
      ['anthropic', server.anthropicBaseUrl],
    ] as const) {
      const gen = await createLlmGenerator({ models: [{ provider, model: 'fake-small', baseUrl }], concurrency: 8 }, context({ ANTHROPIC_API_KEY: 'bench-key-000000' }));
      await gen.generate(request(), new AbortController().signal);
      n = 400;
      t = performance.now();
      await Promise.all(Array.from({ length: n }, (_, i) => gen.generate(request({ index: i }), new AbortController().signal)));
      rate(`streamed generations via ${provider} wire format on loopback (8 in flight)`, n, performance.now() - t, 'calls');
    }
  } finally {
    await server.close();
  }
  await runEvolution();
}

if (require.main === module) void run();
