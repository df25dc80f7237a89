/** Progress lines on stderr: redrawn in place on a terminal, a line per step elsewhere (logs, CI), nothing when quiet. */
export type Progress = {
  /** A fraction 0..1 with a label; on a terminal a bar, elsewhere a line every 25 % or when the label changes. */
  update(label: string, fraction: number, detail?: string): void;
  /** A line that stays. */
  note(line: string): void;
  done(): void;
};

const WIDTH = 28;

export function createProgress(stream: NodeJS.WriteStream, opts: { quiet: boolean }): Progress {
  const tty = stream.isTTY === true;
  let drawn = false;
  let last = { label: "", step: -1 };
  const clear = () => {
    if (drawn) stream.write("\r\x1b[2K");
    drawn = false;
  };
  return {
    update(label, fraction, detail = "") {
      if (opts.quiet) return;
      const f = Math.min(1, Math.max(0, fraction));
      const pct = `${Math.floor(f * 100)}%`.padStart(4);
      if (tty) {
        const filled = Math.round(f * WIDTH);
        clear();
        stream.write(`${label} [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${pct}${detail ? ` ${detail}` : ""}`);
        drawn = true;
        return;
      }
      const step = Math.floor(f * 4);
      if (label === last.label && step === last.step) return;
      last = { label, step };
      stream.write(`${label} ${pct}${detail ? ` ${detail}` : ""}\n`);
    },
    note(line) {
      if (opts.quiet) return;
      clear();
      stream.write(`${line}\n`);
    },
    done() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}

export const megabytes = (n: number) => `${(n / 1_000_000).toFixed(1)} MB`;
