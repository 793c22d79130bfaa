// A real Dovecot IMAP server for interop tests: implicit TLS on a loopback port with a certificate
// from the shared test CA, XOAUTH2 checked by introspecting tokens at the sandbox (its
// /admin/introspect, the way a non-Microsoft IMAP server validates OAuth tokens), and Maildirs
// under a temp dir. Needs the `dovecot` binary (Debian's dovecot-imapd; .ci/run installs it).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "../lib/db/embedded";

export const DOVECOT_BIN = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"].find((p) => existsSync(p)) ?? null;

export type TDovecot = { port: number; dir: string; deliver(user: string, raw: string): void; log(): string; stop(): Promise<void> };

export async function startDovecot(opts: { introspectUrl: string; caFile: string; tls: { key: string; cert: string } }): Promise<TDovecot> {
  if (!DOVECOT_BIN) throw new Error("dovecot is not installed (apt-get install -y dovecot-imapd)");
  const dir = mkdtempSync(path.join(os.tmpdir(), "consentry-dovecot-"));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const mail = path.join(dir, "mail");
  mkdirSync(mail, { recursive: true, mode: 0o777 });
  chmodSync(mail, 0o777);
  writeFileSync(path.join(dir, "key.pem"), opts.tls.key, { mode: 0o600 });
  writeFileSync(path.join(dir, "cert.pem"), opts.tls.cert);
  writeFileSync(
    path.join(dir, "oauth2.conf"),
    [
      `introspection_mode = post`,
      `introspection_url = ${opts.introspectUrl}`,
      `force_introspection = yes`,
      `username_attribute = upn`,
      `active_attribute = active`,
      `active_value = true`,
      `tls_ca_cert_file = ${opts.caFile}`,
    ].join("\n") + "\n",
  );
  const conf = path.join(dir, "dovecot.conf");
  writeFileSync(
    conf,
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
auth_mechanisms = xoauth2 oauthbearer
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=${mail}/%Lu
}
mail_location = maildir:~/Maildir
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = dovecot
default_login_user = dovenull
service imap-login {
  chroot =
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${port}
    ssl = yes
  }
}
service anvil {
  chroot =
}
`,
  );
  const proc: ChildProcess = spawn(DOVECOT_BIN, ["-F", "-c", conf], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout?.on("data", (d) => (out += d));
  proc.stderr?.on("data", (d) => (out += d));
  const logFile = path.join(dir, "dovecot.log");
  const log = () => `${out}${existsSync(logFile) ? readFileSync(logFile, "utf8") : ""}`;
  await waitForPort(port, 15_000, () => proc.exitCode === null).catch((e) => {
    proc.kill("SIGKILL");
    throw new Error(`${(e as Error).message}\n${log()}`);
  });
  let n = 0;
  return {
    port,
    dir,
    log,
    deliver(user: string, raw: string) {
      // Maildir delivery: write to tmp/, then rename into new/ (Dovecot picks it up on the next command).
      const home = path.join(mail, user.toLowerCase(), "Maildir");
      for (const sub of ["tmp", "new", "cur"]) mkdirSync(path.join(home, sub), { recursive: true, mode: 0o777 });
      spawnSync("chown", ["-R", "65534:65534", path.join(mail, user.toLowerCase())]);
      const name = `${Date.now()}.M${++n}P${process.pid}.consentry`;
      writeFileSync(path.join(home, "tmp", name), raw.replace(/\r?\n/g, "\r\n"));
      spawnSync("mv", [path.join(home, "tmp", name), path.join(home, "new", name)]);
      spawnSync("chown", ["65534:65534", path.join(home, "new", name)]);
    },
    async stop() {
      proc.kill("SIGTERM");
      await new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, ms: number, alive: () => boolean) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error("dovecot exited during start");
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`dovecot didn't listen on ${port} within ${ms} ms`);
}
