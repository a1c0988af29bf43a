// A small LRU of email → Engage contact id, one per plugin (Map keeps insertion order).
export class ContactIdCache {
  private readonly map = new Map<string, string>();
  constructor(private readonly max: number) {}

  get(email: string): string | undefined {
    const id = this.map.get(email);
    if (id !== undefined) {
      this.map.delete(email);
      this.map.set(email, id);
    }
    return id;
  }

  set(email: string, id: string): void {
    this.map.delete(email);
    this.map.set(email, id);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  delete(email: string): void {
    this.map.delete(email);
  }

  get size(): number {
    return this.map.size;
  }
}
