/**
 * JSON Merge Patch (RFC 7386), as its section 2 writes the algorithm: what `kubectl patch` with
 * `--type merge` applies to an object. A patch value that is an object is merged key by key
 * (`null` removes the key); any other value replaces the target's.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) {
    return patch;
  }
  const result = new Map<string, unknown>(isObject(target) ? Object.entries(target) : []);
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) {
      result.delete(name);
    } else {
      result.set(name, applyMergePatch(result.get(name), value));
    }
  }
  return Object.fromEntries(result);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
