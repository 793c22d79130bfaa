// Who is signed in, in which workspace, with which role and tenants.
import { route } from "@/lib/http/route";

export const GET = route({}, async ({ scope }) => ({
  email: scope.email,
  name: scope.name,
  role: scope.role,
  workspace: { id: scope.workspaceId, name: scope.workspaceName },
  hasAllTenants: scope.hasAllTenants,
  tenantIds: scope.tenantIds,
}));
