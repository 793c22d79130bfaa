// Pages get `?a=1&a=2` from Next as an array where their types say string. API routes refuse a
// repeated key (parseAll, 400); a page has no 400 to give, so it reads the first value.
type TRaw = Record<string, string | string[] | undefined>;

export function firstParams<T extends object>(sp: T): T {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(sp as TRaw)) out[k] = Array.isArray(v) ? v[0] : v;
  return out as T;
}
