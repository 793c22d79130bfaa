"use client";
// Toasts for mutation results. A tiny store instead of a context so any module can call toast().
import { useEffect, useState } from "react";

type TToast = { id: number; tone: "success" | "error"; message: string };
let toasts: TToast[] = [];
const listeners = new Set<(t: TToast[]) => void>();
let nextId = 1;

export function toast(message: string, tone: TToast["tone"] = "success") {
  const t = { id: nextId++, tone, message };
  toasts = [...toasts, t];
  listeners.forEach((l) => l(toasts));
  setTimeout(
    () => {
      toasts = toasts.filter((x) => x.id !== t.id);
      listeners.forEach((l) => l(toasts));
    },
    tone === "error" ? 8000 : 4000,
  );
}

export function Toaster() {
  const [items, setItems] = useState<TToast[]>([]);
  useEffect(() => {
    listeners.add(setItems);
    return () => void listeners.delete(setItems);
  }, []);
  return (
    <div className="pointer-events-none fixed bottom-4 right-4 z-50 flex w-80 flex-col gap-2" aria-live="polite">
      {items.map((t) => (
        <div
          key={t.id}
          role="status"
          className={`pointer-events-auto rounded-md px-4 py-3 text-sm shadow-lg ring-1 ${t.tone === "error" ? "bg-red-50 text-red-800 ring-red-200" : "bg-emerald-50 text-emerald-800 ring-emerald-200"}`}
        >
          {t.message}
        </div>
      ))}
    </div>
  );
}
