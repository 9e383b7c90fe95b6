/** Text made safe for XML and HTML element content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A coordinate or size with at most 2 decimals and no trailing zeros. */
export function formatCoordinate(value: number): string {
  return String(Number(value.toFixed(2)));
}
