import "server-only";
// The wrapper for /api/tenants/[tenantId]/mailboxes/[mailboxId]/**: on top of route(), resolves
// the session's scope against the tenant in the path, checks the ability, and loads the mailbox by
// { workspaceId, tenantId, mailboxId } before the handler runs (formbricks' v3 routes and dub's
// withWorkspace resolve the resource, then authorise against it). A foreign tenant or mailbox id
// answers exactly like a missing one: 404, so ids can't be probed.
import type { z } from "zod";
import { assertCan, assertTenantAccess, type TAbility } from "../auth/guard";
import { notFound } from "../core/errors";
import type { TMailboxRef } from "../core/scope";
import { loadMailbox, type TLoadedMailbox } from "../mailboxes/load-mailbox";
import type { TCloud } from "../microsoft/clouds";
import { route, type TOpts } from "./route";

type TMailboxParams = { tenantId: string; mailboxId: string };
type TRouteHandlerCtx<P, Q, B> = Parameters<Parameters<typeof route<P, Q, B>>[1]>[0];
export type TMailboxRouteCtx<P, Q, B> = TRouteHandlerCtx<P, Q, B> & { ref: TMailboxRef; mailbox: TLoadedMailbox; cloud: TCloud };

export function mailboxRoute<P extends TMailboxParams, Q = Record<string, string>, B = undefined>(
  // `can`: the ability the action needs (none for reads). `what`: the name in the 404 ("Mailbox").
  opts: TOpts<P, Q, B> & { params: z.ZodType<P>; can?: TAbility; what?: string },
  handler: (ctx: TMailboxRouteCtx<P, Q, B>) => Promise<Response | unknown>,
) {
  const { can, what = "Mailbox", ...routeOpts } = opts;
  return route<P, Q, B>(routeOpts, async (ctx) => {
    assertTenantAccess(ctx.scope, ctx.params.tenantId, what);
    if (can) assertCan(ctx.scope, can);
    const ref = { workspaceId: ctx.scope.workspaceId, tenantId: ctx.params.tenantId, mailboxId: ctx.params.mailboxId };
    const loaded = await loadMailbox(ref);
    if (!loaded) throw notFound(what);
    return handler({ ...ctx, ref, mailbox: loaded.mailbox, cloud: loaded.cloud });
  });
}
