// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (or the embedded database).
import path from "node:path";
import { prepareDatabase } from "./lib/prepare-database";

const db = await prepareDatabase({
  dataDir: path.resolve(process.env.CONSENTRY_DATA_DIR ?? ".data"),
  port: Number(process.env.CONSENTRY_PG_PORT ?? 54329),
  log: (l) => console.log(l),
});
console.log("database is up to date");
await db.stop();
