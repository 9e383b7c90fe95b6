/**
 * File-name safe ids for `names` under `prefix` (`allocation-coderm-vote`): lower case, runs of
 * other characters as `-`, and a number added where two names would collide.
 */
export function uniqueIds(prefix: string, names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name, index) => {
    const slug = name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[-.]+|-+$/g, "");
    const base = `${prefix}-${slug || "item"}`;
    const id = seen.has(base) ? `${base}-${index + 1}` : base;
    seen.add(id);
    return id;
  });
}
