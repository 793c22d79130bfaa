// FETCH: item parsing and one-message response rendering (bytes-exact sections, literals).
import type { StoredMessage } from "../store/mailbox-store";
import { parseMime, type MimeNode } from "../store/mime-tree";
import { tokStr, type Tok } from "./imap-parser";
import { bodystructure, envelope, internalDate, sectionBytes } from "./imap-format";

export type FetchItem =
  | { kind: "UID" | "FLAGS" | "INTERNALDATE" | "RFC822.SIZE" | "ENVELOPE" | "BODYSTRUCTURE" | "BODY" }
  | { kind: "section"; name: string; section: string; peek: boolean; partial?: [number, number | undefined] };

export function parseFetchItems(args: Tok[]): FetchItem[] | undefined {
  const t = args[0];
  const list = t?.t === "list" ? t.v : t ? [t] : [];
  const items: FetchItem[] = [];
  for (const it of list) {
    const v = (tokStr(it) ?? "").toUpperCase();
    if (v === "ALL") items.push({ kind: "FLAGS" }, { kind: "INTERNALDATE" }, { kind: "RFC822.SIZE" }, { kind: "ENVELOPE" });
    else if (v === "FAST") items.push({ kind: "FLAGS" }, { kind: "INTERNALDATE" }, { kind: "RFC822.SIZE" });
    else if (v === "FULL")
      items.push({ kind: "FLAGS" }, { kind: "INTERNALDATE" }, { kind: "RFC822.SIZE" }, { kind: "ENVELOPE" }, { kind: "BODY" });
    else if (["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE", "BODY"].includes(v))
      items.push({ kind: v as "UID" });
    else if (v === "RFC822") items.push({ kind: "section", name: "RFC822", section: "", peek: false });
    else if (v === "RFC822.HEADER") items.push({ kind: "section", name: "RFC822.HEADER", section: "HEADER", peek: true });
    else if (v === "RFC822.TEXT") items.push({ kind: "section", name: "RFC822.TEXT", section: "TEXT", peek: false });
    else if (v === "MODSEQ") continue;
    else {
      const m = /^BODY(\.PEEK)?\[([^\]]*)\](?:<(\d+)(?:\.(\d+))?>)?$/.exec(v);
      if (!m) return undefined;
      items.push({
        kind: "section",
        name: `BODY[${m[2]}]`,
        section: m[2],
        peek: !!m[1],
        partial: m[3] !== undefined ? [Number(m[3]), m[4] !== undefined ? Number(m[4]) : undefined] : undefined,
      });
    }
  }
  return items;
}

/** `* seq FETCH (...)` for one message; `raw` is needed for sections, ENVELOPE and BODYSTRUCTURE. */
export function renderFetch(seq: number, m: StoredMessage, items: FetchItem[], rawIn: Buffer | undefined): Buffer {
  const k = seq - 1;
  const needTree = items.some(
    (i) => i.kind === "ENVELOPE" || i.kind === "BODYSTRUCTURE" || i.kind === "BODY" || (i.kind === "section" && i.section !== ""),
  );
  const raw = rawIn;
  const tree: MimeNode | null = needTree && raw ? parseMime(raw) : null;
  const parts: (string | Buffer)[] = [];
  let sep = "";
  for (const it of items) {
    let piece: string | Buffer[];
    switch (it.kind) {
      case "UID":
        piece = `UID ${m.uid}`;
        break;
      case "FLAGS":
        piece = `FLAGS (${m.flags.join(" ")})`;
        break;
      case "INTERNALDATE":
        piece = `INTERNALDATE ${internalDate(m.date)}`;
        break;
      case "RFC822.SIZE":
        piece = `RFC822.SIZE ${m.size}`;
        break;
      case "ENVELOPE":
        piece = `ENVELOPE ${envelope(tree!)}`;
        break;
      case "BODYSTRUCTURE":
        piece = `BODYSTRUCTURE ${bodystructure(raw!, tree!, true)}`;
        break;
      case "BODY":
        piece = `BODY ${bodystructure(raw!, tree!, false)}`;
        break;
      case "section": {
        let data = sectionBytes(raw!, tree, it.section);
        let name = it.name;
        if (data && it.partial) {
          const [start, len] = it.partial;
          data = data.subarray(start, len === undefined ? undefined : start + len);
          name += `<${start}>`;
        }
        piece = data ? [Buffer.from(`${name} {${data.length}}\r\n`, "latin1"), data] : `${name} NIL`;
        break;
      }
    }
    parts.push(sep);
    if (typeof piece === "string") parts.push(piece);
    else parts.push(...piece);
    sep = " ";
  }
  const chunk = Buffer.concat([
    Buffer.from(`* ${k + 1} FETCH (`, "latin1"),
    ...parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p)),
    Buffer.from(")\r\n"),
  ]);
  return chunk;
}
