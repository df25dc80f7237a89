/** The middle value of `l` (the lower of the two middle ones for an even count); `l` is not reordered. */
export const median = (l: number[]) => [...l].sort((x, y) => x - y)[Math.floor((l.length - 1) / 2)]!;
