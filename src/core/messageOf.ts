/** What a thrown value says: an `Error`'s message, else the value as a string (or its type, when even that throws). */
export function messageOf(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  try {
    return String(thrown);
  } catch {
    return Object.prototype.toString.call(thrown);
  }
}
