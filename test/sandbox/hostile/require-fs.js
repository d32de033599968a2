// CommonJS-style require of a Node built-in.
const fs = require('fs');

export function run() {
  return fs.readFileSync('/etc/passwd', 'utf8');
}
