// Downloads a redacted support bundle (JSON) for the workspace, a tenant or a mailbox. Read-only,
// so support may export it; each export is recorded in the audit log.
import { route } from "@/lib/http/route";
import { ZBundleQuery } from "@/lib/support/support-bundle";
import { exportSupportBundle } from "@/lib/support/export-support-bundle";

export const GET = route({ query: ZBundleQuery }, async ({ scope, query }) => {
  const { json, name } = await exportSupportBundle(scope, query);
  return new Response(json, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
    },
  });
});
