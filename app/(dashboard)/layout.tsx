// Staff shell: sidebar navigation and the signed-in user. Pages check the session themselves too.
import { requirePageScope } from "@/lib/auth/session";
import { Sidebar } from "@/components/shell/sidebar";
import { SecretBanner } from "@/components/shell/secret-banner";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const scope = await requirePageScope();
  return (
    <div className="flex min-h-screen">
      <Sidebar workspaceName={scope.workspaceName} name={scope.name} email={scope.email} role={scope.role} />
      <div className="min-w-0 flex-1">
        <SecretBanner />
        <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
      </div>
    </div>
  );
}
