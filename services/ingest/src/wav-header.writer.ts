/** Every WAV this service writes has the canonical 44-byte header: RIFF, fmt (PCM), data. */
export const WAV_HEADER_BYTES = 44;

export type PcmFormat = { sampleRate: number; channels: number; bitsPerSample: number };

/** The pipeline's audio format: what the transcription engines expect. */
export const PCM_16K_MONO: PcmFormat = { sampleRate: 16_000, channels: 1, bitsPerSample: 16 };

/**
 * A canonical 44-byte PCM WAV header for `dataBytes` of sample data. Engines such as
 * pocketsphinx skip exactly 44 bytes, so no optional chunks (LIST, fact) are written.
 */
export function wavHeader(dataBytes: number, format: PcmFormat = PCM_16K_MONO): Buffer {
  if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > 0xffffffff - 36) {
    throw new RangeError(`a WAV data chunk cannot hold ${dataBytes} bytes`);
  }
  const blockAlign = format.channels * (format.bitsPerSample / 8);
  const h = Buffer.alloc(WAV_HEADER_BYTES);
  h.write("RIFF", 0, "ascii");
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write("WAVE", 8, "ascii");
  h.write("fmt ", 12, "ascii");
  h.writeUInt32LE(16, 16); // fmt chunk size for PCM
  h.writeUInt16LE(1, 20); // audio format 1 = linear PCM
  h.writeUInt16LE(format.channels, 22);
  h.writeUInt32LE(format.sampleRate, 24);
  h.writeUInt32LE(format.sampleRate * blockAlign, 28); // byte rate
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(format.bitsPerSample, 34);
  h.write("data", 36, "ascii");
  h.writeUInt32LE(dataBytes, 40);
  return h;
}
