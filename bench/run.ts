// `npm run bench`: every benchmark module's figures, or only those named on the command line.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const modules = ['engine', 'sandbox', 'command-sandbox', 'mutate', 'faas', 'llm', 'extension', 'cluster', 'distributed'];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const name of modules) {
    if (only.length && !only.includes(name)) continue;
    if (!existsSync(join(__dirname, `${name}.ts`))) continue;
    console.log(`\n== ${name} ==`);
    try {
      const mod = (await import(`./${name}`)) as { run: () => Promise<void> };
      await mod.run();
    } catch (err) {
      // One benchmark that cannot run here (e.g. no rabbitmq-server) must not hide the others.
      console.log(`${name}: did not run: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
