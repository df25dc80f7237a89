import { describe, expect, it } from "vitest";
import { spareArray } from "./spare-array.ts";

const bytes = (keep = 1) => spareArray<Uint8Array>(Uint8Array, 1000, { keep });

describe("spareArray", () => {
  it("lends a given-back array again, as a view of the size asked for", () => {
    const s = bytes();
    const first = s.borrow(800);
    s.give(first);
    const again = s.borrow(500);
    expect(again.buffer).toBe(first.buffer);
    expect(again.length).toBe(500);
    s.give(again); // a view goes back whole: the next borrow may ask for the full 800
    expect(s.borrow(800).buffer).toBe(first.buffer);
  });

  it("gives a second borrower, and one asking for more, an array of its own", () => {
    const s = bytes();
    const a = s.borrow(600);
    s.give(a);
    const held = s.borrow(600);
    expect(s.borrow(600).buffer).not.toBe(held.buffer); // the spare is lent out
    s.give(held);
    expect(s.borrow(700).buffer).not.toBe(held.buffer); // too small for this one
  });

  it("keeps nothing over its limit, and never an array it did not make", () => {
    const s = bytes();
    const big = s.borrow(2000);
    s.give(big);
    expect(s.borrow(2000).buffer).not.toBe(big.buffer);
    const foreign = new Uint8Array(900);
    s.give(foreign); // a store's own array may share memory with others
    expect(s.borrow(900).buffer).not.toBe(foreign.buffer);
  });

  it("keeps up to `keep` arrays, the biggest ones, each lent to one borrower at a time", () => {
    const s = bytes(2);
    const [a, b, c] = [s.borrow(300), s.borrow(500), s.borrow(400)];
    s.give(a);
    s.give(b);
    s.give(c); // two kept already: c replaces the smaller a
    s.give(b); // given twice: still kept once
    const x = s.borrow(350);
    const y = s.borrow(350);
    expect(new Set([x.buffer, y.buffer])).toEqual(new Set([b.buffer, c.buffer]));
    expect(s.borrow(350).buffer).not.toBe(a.buffer); // none left: a fresh one
  });

  it("lends the smallest kept array that fits", () => {
    const s = bytes(2);
    const [small, big] = [s.borrow(300), s.borrow(900)];
    s.give(big);
    s.give(small);
    expect(s.borrow(200).buffer).toBe(small.buffer);
    expect(s.borrow(800).buffer).toBe(big.buffer);
  });

  it("makes its arrays over shared memory when asked, and lends them again", () => {
    const s = spareArray<Float32Array>(Float32Array, 1000, { shared: true });
    const a = s.borrow(600);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.buffer.byteLength).toBe(600 * Float32Array.BYTES_PER_ELEMENT);
    s.give(a);
    const again = s.borrow(400);
    expect(again.buffer).toBe(a.buffer);
    expect(again.length).toBe(400);
    expect(bytes().borrow(10).buffer).toBeInstanceOf(ArrayBuffer); // private unless asked
  });
});
