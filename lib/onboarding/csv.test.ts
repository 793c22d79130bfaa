// The RFC 4180 parser: quoting, doubled quotes, line breaks inside fields, CRLF and LF, blank
// lines, a BOM, line numbers for problems, malformed quoting refused, and the row bound.
import { describe, expect, it } from "vitest";
import { csvRecord, parseCsv } from "./csv";

const fieldsOf = (t: string) => {
  const r = parseCsv(t);
  if (!r.ok) throw new Error(r.message);
  return r.records.map((x) => x.fields);
};

describe("parseCsv", () => {
  it("reads plain and quoted fields, doubled quotes, commas and line breaks inside quotes", () => {
    expect(fieldsOf('a,b,c\r\n1,"x, y","say ""hi"""\r\n')).toEqual([
      ["a", "b", "c"],
      ["1", "x, y", 'say "hi"'],
    ]);
    expect(fieldsOf('a,"line1\nline2",c')).toEqual([["a", "line1\nline2", "c"]]);
  });

  it("keeps empty fields, skips blank lines, accepts LF and a final line without a break, drops a BOM", () => {
    expect(fieldsOf("\ufeffa,,c\n\n,\n1,2,3")).toEqual([
      ["a", "", "c"],
      ["", ""],
      ["1", "2", "3"],
    ]);
    expect(fieldsOf('""\n')).toEqual([[""]]);
  });

  it("numbers each record by the line it starts on, across quoted line breaks", () => {
    const r = parseCsv('h\n"a\nb"\n\nc\n');
    expect(r.ok && r.records.map((x) => x.line)).toEqual([1, 2, 5]);
  });

  it("refuses malformed quoting with the line", () => {
    expect(parseCsv('a\nb"c\n')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a\n"b"c\n')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a\n"never closed\n')).toMatchObject({ ok: false, line: 2 });
  });

  it("stops at the row bound", () => {
    expect(parseCsv("a\nb\nc\nd\n", { maxRecords: 3 })).toMatchObject({ ok: false });
    expect(parseCsv("a\nb\nc\n", { maxRecords: 3 }).ok).toBe(true);
  });

  it("writes records that read back the same, and defuses spreadsheet formulas", () => {
    const row = ["plain", "with, comma", 'with "quote"', "two\nlines", null];
    expect(fieldsOf(csvRecord(row))).toEqual([["plain", "with, comma", 'with "quote"', "two\nlines", ""]]);
    expect(csvRecord(["=HYPERLINK(1)", "-1", "ok"])).toBe("'=HYPERLINK(1),'-1,ok");
  });
});
