// A small RFC 4180 CSV parser (https://www.rfc-editor.org/rfc/rfc4180): fields separated by commas,
// records by CRLF (LF alone is accepted too), double quotes around a field that holds commas,
// quotes or line breaks, and "" for a quote inside one. Each record keeps the line it starts on, so
// problems can name it. Pure, no dependencies.

export type TCsvRecord = { line: number; fields: string[] };
export type TCsvResult = { ok: true; records: TCsvRecord[] } | { ok: false; line: number; message: string };

export function parseCsv(text: string, opts: { maxRecords?: number } = {}): TCsvResult {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a BOM from Excel
  const records: TCsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0] === "" && !fieldStarted)) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
    fieldStarted = false;
  };
  while (i < src.length) {
    const c = src[i];
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        const n = src[i];
        if (n !== undefined && n !== "," && n !== "\r" && n !== "\n")
          return { ok: false, line, message: 'A closing quote must end the field (write a quote inside a quoted field as "").' };
        continue;
      }
      if (c === "\n") line += 1;
      field += c;
      i += 1;
      continue;
    }
    if (c === '"') {
      if (field !== "")
        return { ok: false, line, message: "A quote inside an unquoted field: quote the whole field and double the quote." };
      quoted = true;
      fieldStarted = true;
      i += 1;
      continue;
    }
    if (c === ",") {
      fields.push(field);
      field = "";
      fieldStarted = true;
      i += 1;
      continue;
    }
    if (c === "\r" || c === "\n") {
      endRecord();
      i += c === "\r" && src[i + 1] === "\n" ? 2 : 1;
      line += 1;
      recordLine = line;
      if (opts.maxRecords && records.length > opts.maxRecords)
        return { ok: false, line, message: `More than ${opts.maxRecords} rows: split the file.` };
      continue;
    }
    field += c;
    fieldStarted = true;
    i += 1;
  }
  if (quoted) return { ok: false, line: recordLine, message: "A quoted field is never closed." };
  if (field !== "" || fields.length || fieldStarted) endRecord();
  if (opts.maxRecords && records.length > opts.maxRecords)
    return { ok: false, line, message: `More than ${opts.maxRecords} rows: split the file.` };
  return { ok: true, records };
}

/** Writes one CSV record: fields with a comma, quote or line break are quoted, quotes doubled. A
 *  leading =, +, -, @ gets a ' so a spreadsheet never runs it as a formula (OWASP CSV injection). */
export function csvRecord(values: (string | number | null | undefined)[]): string {
  return values
    .map((v) => {
      let s = v === null || v === undefined ? "" : String(v);
      if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(",");
}
