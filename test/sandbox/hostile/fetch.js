// Network access through the global fetch that Node 20 normally has.
export async function run() {
  const response = await fetch('http://127.0.0.1:9/');
  return response.status;
}
