// Runs the README's webhook-verification sample exactly as written (the js block after "Receivers
// verify like this"), so the snippet people copy is tested, not a paraphrase of it.
import crypto from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { signPayload } from "./signature";

function readmeSample(): string {
  const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
  const at = readme.indexOf("Receivers verify like");
  expect(at).toBeGreaterThan(0);
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(m).not.toBeNull();
  return m![1];
}

/** The snippet, with `sig`, `secret` and `rawBody` in scope, returning its `ok`. */
function runSample(sig: string | null, secret: string, rawBody: string): boolean {
  const fn = new Function("crypto", "Buffer", "sig", "secret", "rawBody", `${readmeSample()}\nreturn ok;`);
  return fn(crypto, Buffer, sig, secret, rawBody);
}

describe("README webhook verification sample", () => {
  const body = JSON.stringify({ id: "d1", type: "webhook.test" });

  it("accepts a genuine signature", () => {
    expect(runSample(signPayload("whsec_a", body), "whsec_a", body)).toBe(true);
  });

  it("answers false, without throwing, for a signature of the wrong length", () => {
    const t = Math.floor(Date.now() / 1000);
    expect(() => runSample(`t=${t},v1=abc`, "whsec_a", body)).not.toThrow();
    expect(runSample(`t=${t},v1=abc`, "whsec_a", body)).toBe(false);
    expect(runSample(`t=${t},v1=${"0".repeat(65)}`, "whsec_a", body)).toBe(false);
    expect(runSample(`t=${t}`, "whsec_a", body)).toBe(false);
    expect(runSample("garbage", "whsec_a", body)).toBe(false);
    expect(runSample(null, "whsec_a", body)).toBe(false);
  });

  it("refuses a wrong secret, a changed body and a stale timestamp", () => {
    expect(runSample(signPayload("whsec_b", body), "whsec_a", body)).toBe(false);
    expect(runSample(signPayload("whsec_a", body), "whsec_a", `${body} `)).toBe(false);
    expect(runSample(signPayload("whsec_a", body, Math.floor(Date.now() / 1000) - 301), "whsec_a", body)).toBe(false);
  });

  it("during a secret rotation, accepts either secret's v1", () => {
    const both = signPayload(["whsec_new", "whsec_old"], body);
    expect(both.split(",").filter((p) => p.startsWith("v1=")).length).toBe(2);
    expect(runSample(both, "whsec_new", body)).toBe(true);
    expect(runSample(both, "whsec_old", body)).toBe(true);
    expect(runSample(both, "whsec_other", body)).toBe(false);
  });
});
