"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { Badge } from "@/components/ui/badge";

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/tenants", label: "Tenants" },
  { href: "/health", label: "Health" },
  { href: "/events", label: "Event log" },
  { href: "/diagnostics", label: "Diagnostics" },
];
const SETTINGS = [
  { href: "/settings/staff", label: "Staff" },
  { href: "/settings/notifications", label: "Notifications" },
  { href: "/settings/api-keys", label: "API keys" },
  { href: "/settings/webhooks", label: "Webhooks" },
  { href: "/settings/data", label: "Data retention" },
  { href: "/settings/audit", label: "Audit log" },
];

export function Sidebar({ workspaceName, name, email, role }: { workspaceName: string; name: string; email: string; role: string }) {
  const path = usePathname();
  const isActive = (href: string) => (href === "/" ? path === "/" : path.startsWith(href));
  const item = (n: { href: string; label: string }) => (
    <Link
      key={n.href}
      href={n.href}
      aria-current={isActive(n.href) ? "page" : undefined}
      className={`block rounded-md px-3 py-2 text-sm font-medium ${isActive(n.href) ? "bg-indigo-50 text-indigo-700" : "text-slate-700 hover:bg-slate-100"}`}
    >
      {n.label}
    </Link>
  );
  return (
    <aside className="sticky top-0 flex h-screen w-60 shrink-0 flex-col border-r border-slate-200 bg-white">
      <div className="flex items-center gap-2 px-5 py-5">
        <div className="flex h-8 w-8 items-center justify-center rounded-md bg-indigo-600 font-bold text-white">C</div>
        <div className="min-w-0">
          <div className="text-sm font-semibold text-slate-900">Consentry</div>
          <div className="truncate text-xs text-slate-500" title={workspaceName}>
            {workspaceName}
          </div>
        </div>
      </div>
      <nav className="flex-1 space-y-1 px-3" aria-label="Main">
        {NAV.map(item)}
        <div className="px-3 pb-1 pt-5 text-xs font-semibold uppercase tracking-wide text-slate-400">Settings</div>
        {SETTINGS.map(item)}
      </nav>
      <div className="border-t border-slate-200 p-4">
        <div className="truncate text-sm font-medium text-slate-900" title={email}>
          {name}
        </div>
        <div className="mb-3 flex items-center gap-2 truncate text-xs text-slate-500">
          <Badge tone="indigo">{role}</Badge>
          <span className="truncate">{email}</span>
        </div>
        <button
          type="button"
          data-testid="sign-out"
          onClick={() => signOut({ callbackUrl: "/login" })}
          className="w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50"
        >
          Sign out
        </button>
      </div>
    </aside>
  );
}
