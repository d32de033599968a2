// A checker for the subset of JSON Schema the scenario schema uses (type, const, enum, required,
// properties, additionalProperties: false, items, min/maxItems, min/maxLength, pattern, numeric
// bounds). Errors carry a JSON Pointer to the offending value, so a person or a model can find it.

export interface SchemaNode {
  [keyword: string]: unknown;
}

export interface FieldError {
  /** JSON Pointer (RFC 6901) into the checked document; '' is the document itself. */
  pointer: string;
  message: string;
}

const MAX_ERRORS = 50;

export function pointerOf(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Checks `value` against `schema`; returns every error found (up to a cap), in document order. */
export function checkSchema(value: unknown, schema: SchemaNode): FieldError[] {
  const errors: FieldError[] = [];
  walk(value, schema, [], errors);
  return errors;
}

function walk(value: unknown, schema: SchemaNode, path: (string | number)[], errors: FieldError[]): void {
  if (errors.length >= MAX_ERRORS) return;
  const at = pointerOf(path);
  const fail = (message: string): void => {
    if (errors.length < MAX_ERRORS) errors.push({ pointer: at, message });
  };
  if ('const' in schema && value !== schema['const']) return fail(`must be ${describe(schema['const'])}, got ${describe(value)}`);
  const enumValues = schema['enum'];
  if (Array.isArray(enumValues) && !enumValues.includes(value)) return fail(`must be one of ${enumValues.map(describe).join(', ')}, got ${describe(value)}`);
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    if (!types.some((t) => matchesType(value, t))) return fail(`must be ${types.map((t) => (t === 'null' ? 'null' : `a${/^[aeiou]/.test(t) ? 'n' : ''} ${t}`)).join(' or ')}, got ${typeOf(value) === 'integer' ? 'a number' : typeOf(value)} ${describe(value)}`);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail('must be a finite number');
    const min = schema['minimum'];
    const max = schema['maximum'];
    const xmin = schema['exclusiveMinimum'];
    if (typeof min === 'number' && value < min) fail(`must be at least ${min}, got ${value}`);
    if (typeof xmin === 'number' && value <= xmin) fail(`must be greater than ${xmin}, got ${value}`);
    if (typeof max === 'number' && value > max) fail(`must be at most ${max}, got ${value}`);
  }
  if (typeof value === 'string') {
    const minLength = schema['minLength'];
    const maxLength = schema['maxLength'];
    const pattern = schema['pattern'];
    if (typeof minLength === 'number' && value.length < minLength) fail(minLength === 1 ? 'must not be empty' : `must have at least ${minLength} characters`);
    if (typeof maxLength === 'number' && value.length > maxLength) fail(`must have at most ${maxLength} characters, got ${value.length}`);
    if (typeof pattern === 'string' && !new RegExp(pattern).test(value)) fail(`${describe(value)} does not match ${pattern}`);
  }
  if (Array.isArray(value)) {
    const minItems = schema['minItems'];
    const maxItems = schema['maxItems'];
    if (typeof minItems === 'number' && value.length < minItems) fail(`must have at least ${minItems} item${minItems === 1 ? '' : 's'}, got ${value.length}`);
    if (typeof maxItems === 'number' && value.length > maxItems) fail(`must have at most ${maxItems} items, got ${value.length}`);
    const items = schema['items'];
    if (items && typeof items === 'object') value.forEach((item, i) => walk(item, items as SchemaNode, [...path, i], errors));
  } else if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema['properties'] ?? {}) as Record<string, SchemaNode>;
    const required = schema['required'];
    if (Array.isArray(required)) {
      for (const name of required as string[]) {
        if (!(name in object)) fail(`is missing the required field '${name}'`);
      }
    }
    for (const [name, child] of Object.entries(object)) {
      const sub = properties[name];
      if (sub) walk(child, sub, [...path, name], errors);
      else if (schema['additionalProperties'] === false) {
        const known = Object.keys(properties).filter((k) => !k.startsWith('$'));
        const near = known.find((k) => k.toLowerCase() === name.toLowerCase());
        errors.length < MAX_ERRORS && errors.push({ pointer: pointerOf([...path, name]), message: `unknown field '${name}'${near ? ` (did you mean '${near}'?)` : ''}; known fields: ${known.join(', ')}` });
      }
    }
  }
}
