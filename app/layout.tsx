import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";
import { Providers } from "./providers";

export const metadata: Metadata = {
  title: { default: "Consentry", template: "%s · Consentry" },
  description: "Microsoft 365 modern authentication for every customer mailbox.",
};

// Every page renders per request, so Next can put the request's CSP nonce (proxy.ts) on its scripts.
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
