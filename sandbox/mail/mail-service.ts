// The Exchange mail service of the sandbox: IMAP, POP and SMTP submission over one mail store.
import type { SandboxService } from "../contracts";
import { mailAdminRoutes } from "./admin-routes";
import { startImapServer } from "./imap/imap-server";
import { startPopServer } from "./pop/pop-server";
import { startSmtpServer } from "./smtp/smtp-submission";
import { acquireMailStore, releaseMailStore } from "./store/mail-store";

export const mailService: SandboxService = {
  name: "exchange-mail",
  async start(ctx) {
    const store = acquireMailStore(ctx);
    const imap = await startImapServer(ctx, store, ctx.ports.imap);
    const pop = await startPopServer(ctx, store, ctx.ports.pop);
    const smtp = await startSmtpServer(ctx, store, ctx.ports.smtp);
    ctx.log("mail services started", { imap: imap.url, pop: pop.url, smtp: smtp.url });
    return {
      urls: { imap: imap.url, pop: pop.url, smtp: smtp.url },
      async stop() {
        await Promise.all([imap.stop(), pop.stop(), smtp.stop()]);
        releaseMailStore(store);
      },
    };
  },
  adminRoutes: mailAdminRoutes,
};
