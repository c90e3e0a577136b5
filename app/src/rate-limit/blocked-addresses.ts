// Addresses refused further uncached redirect lookups, as this process learnt from the shared
// counter: once an address's count of unknown codes passed the limit, its next lookups are
// refused before they reach PostgreSQL, until the window ends. Held in process, so checking
// costs no Valkey round trip; the other replicas learn on their own next count.

export class BlockedAddresses {
  private readonly until = new Map<string, number>();

  constructor(private readonly maxEntries: number) {}

  block(address: string, forMs: number): void {
    this.until.delete(address);
    if (this.until.size >= this.maxEntries) {
      // Map keeps insertion order: the oldest block goes first
      const oldest = this.until.keys().next().value;
      if (oldest !== undefined) this.until.delete(oldest);
    }
    this.until.set(address, Date.now() + forMs);
  }

  /** Milliseconds the address stays blocked; 0 when it is not. */
  remainingMs(address: string): number {
    const until = this.until.get(address);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left > 0) return left;
    this.until.delete(address);
    return 0;
  }
}
