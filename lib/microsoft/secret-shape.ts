// Catches the classic paste mistakes before they become AADSTS7000215.
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isGuid = (v: string) => GUID.test(v.trim());

export function inspectSecretValue(v: string): { code: "looks_like_secret_id" | "too_short" | "whitespace"; message: string }[] {
  const out: { code: "looks_like_secret_id" | "too_short" | "whitespace"; message: string }[] = [];
  if (isGuid(v))
    out.push({
      code: "looks_like_secret_id",
      message:
        "That looks like the secret's ID, not its Value. Azure shows the Value only once, right after you create the secret. Using the ID fails with AADSTS7000215.",
    });
  else if (v.trim().length > 0 && v.trim().length < 30)
    out.push({ code: "too_short", message: "Azure client secret values are about 40 characters long. Check that you copied all of it." });
  if (v !== v.trim()) out.push({ code: "whitespace", message: "The value starts or ends with a space; it will be trimmed." });
  return out;
}
