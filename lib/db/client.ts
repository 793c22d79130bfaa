import "server-only";
// The Prisma client singleton. Secret columns are omitted by default so a stray `findMany`
// can never ship a sealed value to a DTO; code that needs one asks for it with `omit: {x: false}`.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { env } from "../env";

const OMIT = {
  appSecret: { sealedValue: true },
  grant: { sealedRefreshToken: true, sealedAccessToken: true },
  consentRequest: { sealedCodeVerifier: true },
  staffUser: { passwordHash: true },
  webhookEndpoint: { sealedSecret: true, sealedPreviousSecret: true },
} as const;

function create(url: string) {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: env().DATABASE_POOL_SIZE }), omit: OMIT });
}

export type TDb = ReturnType<typeof create>;

const g = globalThis as unknown as { __consentryDb?: TDb; __consentryDbUrl?: string };

export function db(): TDb {
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start through `npm run demo` / `npm start`, which provide it.");
  if (!g.__consentryDb || g.__consentryDbUrl !== url) {
    g.__consentryDb = create(url);
    g.__consentryDbUrl = url;
  }
  return g.__consentryDb;
}

export { Prisma } from "./generated/client";
