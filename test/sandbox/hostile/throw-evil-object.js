// Thrown values whose every accessor throws: describing them must not crash the worker.
export function run(which) {
  if (which === 'proxy') {
    const trap = () => { throw new Error('trap sprung'); };
    throw new Proxy({}, { get: trap, getPrototypeOf: trap, ownKeys: trap, has: trap, getOwnPropertyDescriptor: trap });
  }
  throw {
    toString() { throw new Error('toString sprung'); },
    get message() { throw new Error('message getter sprung'); },
    get name() { throw new Error('name getter sprung'); },
    [Symbol.toPrimitive]() { throw new Error('toPrimitive sprung'); },
  };
}
