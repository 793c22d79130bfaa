// Ambient types for untyped transitive dependencies of mailparser/nodemailer used by the sandbox.
declare module "libmime" {
  const libmime: {
    decodeWords(s: string): string;
    parseHeaderValue(s: string): { value: string; params: Record<string, string> };
    encodeWord(s: string, mime?: "Q" | "B", max?: number): string;
  };
  export default libmime;
}
declare module "nodemailer/lib/addressparser/index.js" {
  type Addr = { name: string; address?: string; group?: Addr[] };
  function addressparser(s: string, opts?: { flatten?: boolean }): Addr[];
  export default addressparser;
}
declare module "nodemailer/lib/mail-composer/index.js" {
  class MailComposer {
    constructor(opts: Record<string, unknown>);
    compile(): { build(cb: (err: Error | null, buf: Buffer) => void): void };
  }
  export default MailComposer;
}
