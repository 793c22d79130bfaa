// IMAP SEARCH criteria compiled to a predicate over (message, sequence number).
import type { StoredMessage } from "../store/mailbox-store";
import { getHeader, headerEnd, parseHeaders, decodeWords } from "../store/mime-headers";
import { tokStr, type Tok } from "./imap-parser";
import { parseImapDate } from "./imap-format";
import { resolveSet } from "./sequence-set";

export type SearchEnv = { uids: number[]; readRaw: (m: StoredMessage) => Buffer };
type Pred = (m: StoredMessage, seqIdx: number) => boolean;

const day = (ms: number) => Math.floor(ms / 86_400_000);

export function compileSearch(tokens: Tok[], env: SearchEnv): Pred {
  let i = 0;
  const flag =
    (f: string, want: boolean): Pred =>
    (m) =>
      m.flags.includes(f) === want;
  const setPred = (set: string, byUid: boolean): Pred => {
    const idx = resolveSet(set, env.uids, byUid);
    if (!idx) throw new Error("Bad sequence set");
    const allowed = new Set(idx.map((k) => env.uids[k]));
    return (m) => allowed.has(m.uid);
  };
  const headerPred = (name: string, value: string): Pred => {
    const needle = value.toLowerCase();
    return (m) => {
      const raw = env.readRaw(m);
      const h = parseHeaders(raw.subarray(0, headerEnd(raw)));
      const v = decodeWords(getHeader(h, name));
      return needle === "" ? getHeader(h, name) !== undefined : v.toLowerCase().includes(needle);
    };
  };
  const textPred = (value: string, bodyOnly: boolean): Pred => {
    const needle = value.toLowerCase();
    return (m) => {
      const raw = env.readRaw(m);
      return raw
        .subarray(bodyOnly ? headerEnd(raw) : 0)
        .toString("utf8")
        .toLowerCase()
        .includes(needle);
    };
  };
  const next = (): Tok => {
    const t = tokens[i++];
    if (!t) throw new Error("Missing search argument");
    return t;
  };
  const arg = () => {
    const v = tokStr(next());
    if (v === undefined) throw new Error("Bad search argument");
    return v;
  };
  const date = () => {
    const d = parseImapDate(arg());
    if (!d) throw new Error("Bad date");
    return day(d.getTime());
  };
  const one = (): Pred => {
    const t = next();
    if (t.t === "list") {
      const sub = compileSearch(t.v, env);
      return sub;
    }
    const key = t.v.toUpperCase();
    switch (key) {
      case "ALL":
        return () => true;
      case "SEEN":
        return flag("\\Seen", true);
      case "UNSEEN":
        return flag("\\Seen", false);
      case "FLAGGED":
        return flag("\\Flagged", true);
      case "UNFLAGGED":
        return flag("\\Flagged", false);
      case "DELETED":
        return flag("\\Deleted", true);
      case "UNDELETED":
        return flag("\\Deleted", false);
      case "ANSWERED":
        return flag("\\Answered", true);
      case "UNANSWERED":
        return flag("\\Answered", false);
      case "DRAFT":
        return flag("\\Draft", true);
      case "UNDRAFT":
        return flag("\\Draft", false);
      case "RECENT":
      case "NEW":
        return () => false;
      case "OLD":
        return () => true;
      case "KEYWORD":
        return flag(arg(), true);
      case "UNKEYWORD":
        return flag(arg(), false);
      case "SINCE":
      case "SENTSINCE": {
        const d = date();
        return (m) => day(m.date) >= d;
      }
      case "BEFORE":
      case "SENTBEFORE": {
        const d = date();
        return (m) => day(m.date) < d;
      }
      case "ON":
      case "SENTON": {
        const d = date();
        return (m) => day(m.date) === d;
      }
      case "LARGER": {
        const n = Number(arg());
        return (m) => m.size > n;
      }
      case "SMALLER": {
        const n = Number(arg());
        return (m) => m.size < n;
      }
      case "UID":
        return setPred(arg(), true);
      case "NOT": {
        const p = one();
        return (m, s) => !p(m, s);
      }
      case "OR": {
        const a = one();
        const b = one();
        return (m, s) => a(m, s) || b(m, s);
      }
      case "HEADER": {
        const name = arg().toLowerCase();
        return headerPred(name, arg());
      }
      case "SUBJECT":
      case "FROM":
      case "TO":
      case "CC":
      case "BCC":
        return headerPred(key.toLowerCase(), arg());
      case "BODY":
        return textPred(arg(), true);
      case "TEXT":
        return textPred(arg(), false);
      case "CHARSET":
        arg();
        return () => true;
      default:
        if (/^[\d*:,]+$/.test(key)) return setPred(key, false);
        throw new Error(`Unknown search key ${key}`);
    }
  };
  const preds: Pred[] = [];
  while (i < tokens.length) preds.push(one());
  return (m, s) => preds.every((p) => p(m, s));
}
