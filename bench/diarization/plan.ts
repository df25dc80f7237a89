/**
 * Which mixes each set holds. Both sets have the same shape (speaker counts, turn styles,
 * durations); their seeds differ, and so do the utterances they draw from (`splitSets`).
 */
import type { MixSpec } from "./mixes.ts";

export type SetName = "tuning" | "heldout";

export function planSet(set: SetName, quick: boolean): MixSpec[] {
  const base = set === "tuning" ? 1000 : 2000;
  const specs: Omit<MixSpec, "seed" | "id">[] = [];
  // One speaker: short ones with any voice, long ones with the LibriVox reader (the voice with most material).
  specs.push({ speakers: 1, minutes: 0.5, turns: "long" }, { speakers: 1, minutes: 0.5, turns: "short" }, { speakers: 1, minutes: 3, turns: "long" });
  specs.push({ speakers: 1, minutes: 2, turns: "long", voices: ["reader"] }, { speakers: 1, minutes: 10, turns: "long", voices: ["reader"] });
  if (!quick)
    specs.push(
      { speakers: 1, minutes: 20, turns: "short", voices: ["reader"] },
      { speakers: 1, minutes: set === "tuning" ? 30 : 60, turns: "long", voices: ["reader"] },
    );
  // Two to four speakers, every turn style, 30 s to 30 minutes.
  specs.push({ speakers: 2, minutes: 0.5, turns: "short" }, { speakers: 2, minutes: 0.5, turns: "long" }, { speakers: 3, minutes: 0.5, turns: "short" });
  for (const speakers of [2, 3, 4]) {
    for (const minutes of quick ? [1, 3] : [1, 2, 5, 10]) for (const turns of ["short", "long"] as const) specs.push({ speakers, minutes, turns });
  }
  if (!quick)
    specs.push({ speakers: 2, minutes: 30, turns: "long" }, { speakers: 3, minutes: 20, turns: "short" }, { speakers: 4, minutes: 15, turns: "long" });
  // One speaker for 10 minutes in every other voice too, not only the reader (the easiest to keep
  // as one: the an4 speaker's three recordings sound like three channels). Added last, so the
  // files above keep their seeds.
  if (!quick)
    // In this order (not VOICE_FILES'), so the five older voices keep their files' seeds and turn styles.
    for (const [i, voice] of ["cards", "an4", "alsa", "tidigits", "allison", "june", "ivrru", "carlo"].entries())
      specs.push({ speakers: 1, minutes: 10, turns: i % 2 === 0 ? "long" : "short", voices: [voice] });
  return specs.map((s, i) => ({
    ...s,
    seed: base + i,
    id: `${set}-${String(i).padStart(2, "0")}-${s.speakers}spk-${s.minutes}m-${s.turns}${s.voices ? `-${s.voices.join("+")}` : ""}`,
  }));
}
