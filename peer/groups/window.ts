/** A queue whose shift is O(1) amortised (V8's Array#shift copies large arrays). */
export class Window<T> {
  #items: Array<T | undefined> = []
  #head = 0

  get length(): number {
    return this.#items.length - this.#head
  }

  push(item: T): void {
    this.#items.push(item)
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined
    const item = this.#items[this.#head]
    this.#items[this.#head++] = undefined
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
    return item
  }

  pop(): T | undefined {
    return this.length === 0 ? undefined : (this.#items.pop() as T)
  }

  at(i: number): T | undefined {
    return i < 0 || i >= this.length ? undefined : this.#items[this.#head + i]
  }

  /** Remove one item, searching from the newest (what is removed is recent). */
  remove(item: T): void {
    const i = this.#items.lastIndexOf(item)
    if (i >= this.#head) this.#items.splice(i, 1)
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i] as T
  }
}
