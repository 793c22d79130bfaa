// Where to go after sign-in: only somewhere on our own origin. The WHATWG URL parser is the judge
// (browsers read "/\evil", "/\t/evil" and "//evil" as other hosts), and only the path, query and
// fragment of the result are kept, so what we hand on can't name another host.
export function safeCallbackPath(value: unknown, ownOrigin: string): string {
  // A repeated query key arrives as an array: take the first, never throw.
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== "string" || raw === "" || raw.length > 2048) return "/";
  let origin: string;
  let url: URL;
  try {
    origin = new URL(ownOrigin).origin;
    url = new URL(raw, origin);
  } catch {
    return "/";
  }
  if (url.origin !== origin) return "/";
  // "https://us.example//evil.example" has the path "//evil.example", itself protocol-relative.
  const path = url.pathname.replace(/^\/+/, "/");
  return `${path}${url.search}${url.hash}`;
}
