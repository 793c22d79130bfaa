// First run: create the workspace and its owner. Gone once any staff account exists.
import { redirect } from "next/navigation";
import { needsSetup } from "@/lib/staff/bootstrap-owner";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Set up" };

export default async function SetupPage() {
  if (!(await needsSetup())) redirect("/login");
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4">
      <div className="w-full max-w-md">
        <h1 className="mb-1 text-center text-xl font-semibold text-slate-900">Set up Consentry</h1>
        <p className="mb-6 text-center text-sm text-slate-500">Create your MSP workspace and its owner account.</p>
        <SetupForm />
      </div>
    </main>
  );
}
