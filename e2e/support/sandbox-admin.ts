// The sandbox's admin API, for journeys that flip a switch on the "Microsoft" side.
import { fixture } from "./fixture";

export async function sandboxAdmin(method: string, path: string, body?: unknown) {
  const f = fixture();
  const r = await fetch(`${f.sandbox!.loginUrl}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`sandbox ${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}
