// Empty on purpose: the segment's layout explains why the link is dead (see layout.tsx).
export default function StatusLinkNotFound() {
  return null;
}
