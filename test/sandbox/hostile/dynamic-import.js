// Dynamic import() of a Node built-in.
export async function run() {
  const fs = await import('fs');
  return fs.readFileSync('/etc/passwd', 'utf8');
}
