// The frame of the pages customers see without an account (consent links, status pages).
export function PublicShell({ children, wide = false }: { children: React.ReactNode; wide?: boolean }) {
  return (
    <main className="min-h-screen bg-slate-50 px-4 py-12">
      <div className={`mx-auto ${wide ? "max-w-2xl" : "max-w-xl"} rounded-lg border border-slate-200 bg-white p-8 shadow-sm`}>
        {children}
      </div>
      <p className="mt-6 text-center text-xs text-slate-400">Consentry · Microsoft 365 access management</p>
    </main>
  );
}
