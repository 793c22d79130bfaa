// `npm run sandbox`: starts the Microsoft 365 sandbox and prints its URLs and seeded accounts.
import path from "node:path";
import { startSandbox } from "./server";
import { SEED, SEED_PASSWORD } from "./directory/seed";

const env = process.env;
const port = (name: string, d: number) => Number(env[name] ?? d);
const sb = await startSandbox({
  dataDir: path.resolve(env.SANDBOX_DATA_DIR ?? ".data/sandbox"),
  seed: process.argv.includes("--seed"),
  ports: {
    identity: port("SANDBOX_PORT", 4010),
    graph: port("SANDBOX_GRAPH_PORT", 4011),
    imap: port("SANDBOX_IMAP_PORT", 4993),
    pop: port("SANDBOX_POP_PORT", 4995),
    smtp: port("SANDBOX_SMTP_PORT", 4587),
  },
  quiet: false,
});
console.log(`Microsoft 365 sandbox
  identity  ${sb.urls.identity}   (authority: ${sb.urls.identity}/<tenant>/v2.0)
  graph     ${sb.urls.graph}
  imap      ${sb.urls.imap}
  pop       ${sb.urls.pop}
  smtp      ${sb.urls.smtp}
  console   ${sb.urls.console}
  CA        ${sb.caPath}   (trust it: NODE_EXTRA_CA_CERTS=${sb.caPath})
Seeded accounts (password ${SEED_PASSWORD}):
  Contoso   ${SEED.contoso.id}  admin@/helpdesk@/bob@/it@${SEED.contoso.domain}, shared support@ (delegate it@); app ${SEED.contoso.clientId} secret ${SEED.contoso.secret}  [SMTP AUTH off]
  Fabrikam  ${SEED.fabrikam.id}  admin@/helpdesk@/bob@/it@${SEED.fabrikam.domain}; app ${SEED.fabrikam.clientId} secret ${SEED.fabrikam.secret}  [secret expires in 5 days]
  Northwind ${SEED.northwind.id}  admin@/helpdesk@/bob@/it@/sales@${SEED.northwind.domain}; app ${SEED.northwind.clientId} secret ${SEED.northwind.secret}  [sales@ unlicensed; users may not consent]
  Northwind app-only daemon ${SEED.northwindDaemon.clientId} secret ${SEED.northwindDaemon.secret}  [IMAP/POP/SMTP: support@ (FullAccess); Graph: scope "${SEED.northwindDaemon.scopeName}" (support@, helpdesk@)]
  MSP multi-tenant app ${SEED.mspApp.clientId} secret ${SEED.mspApp.secret}`);
const stop = async () => {
  await sb.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
