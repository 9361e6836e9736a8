/**
 * A map that holds at most about `max` entries: two generations, the newer filled until it holds half, then
 * the older dropped whole. An entry read from the older generation moves to the newer, so what many names
 * share (root and TLD referrals, a zone's NS and CAA sets) stays while each name's own answers age out.
 * O(1) per call, unlike a strict LRU's delete-and-reinsert on every hit.
 */
export class BoundedMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;

  constructor(max: number) {
    this.half = Math.max(1, Math.floor(max / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined || this.old.size === 0) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.put(key, o);
    }
    return o;
  }

  has(key: K): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  set(key: K, value: V): this {
    this.old.delete(key);
    this.put(key, value);
    return this;
  }

  delete(key: K): boolean {
    const a = this.young.delete(key);
    return this.old.delete(key) || a;
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  private put(key: K, value: V): void {
    if (this.young.size >= this.half && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
