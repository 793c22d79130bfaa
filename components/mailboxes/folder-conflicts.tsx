// Other configurations that read the same folder of this mailbox while one of them moves or deletes.
import Link from "next/link";
import type { TFolderConflicts, TMailbox } from "@/lib/client/wire-types";

export function FolderConflicts({ m, conflicts }: { m: TMailbox; conflicts: TFolderConflicts }) {
  if (conflicts.visible.length === 0) return null;
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900" role="alert" data-testid="folder-conflict">
      <div className="font-medium">
        Another configuration reads {m.folder} of this mailbox, and one of them moves or deletes what it processes
      </div>
      <p className="mt-1">
        Each will take mail away from the other (for example a test and a production helpdesk on one folder). Give each its own folder, or
        set both to keep.
      </p>
      <ul className="mt-2 list-disc pl-5">
        {conflicts.visible.map((c) => (
          <li key={c.id}>
            <Link className="underline" href={`/tenants/${c.tenantId}/mailboxes/${c.id}`}>
              {c.tenantName}
            </Link>{" "}
            (after processing: {c.afterProcessing.replace("_", " ")})
          </li>
        ))}
      </ul>
    </div>
  );
}
