// What a settings page shows to staff whose role can't manage it.
import { PageHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";

export function AdminOnly({ title, what, body }: { title: string; what: string; body?: string }) {
  return (
    <div>
      <PageHeader title={title} />
      <EmptyState title={`Only owners and admins manage ${what}`} body={body} />
    </div>
  );
}
