export { startNats, freePort, pollUntil } from "./nats-server.ts";
export { startNatsCluster } from "./nats-cluster.ts";
export type { NatsServer, NatsCredentials } from "./nats-server.ts";
export type { NatsCluster, NatsClusterNode } from "./nats-cluster.ts";
export { silentLogger } from "./logger.ts";
export { wordErrorRate, normaliseWords } from "./wer.ts";
export {
  LIBRIVOX_DIR,
  librivoxClips,
  probeDurationSec,
  makeLibrivoxMp3,
  makeLibrivoxMp4,
  makeLongLibrivoxMp4,
  makeSilenceWav,
  makeSilenceMp4,
  makeVideoWithoutAudio,
  makeRandomBytes,
  makeTruncatedMp4,
  makeTwoVoiceMp4,
  ALSA_VOICE_TEXT,
} from "./media-makers.ts";
export type { LibrivoxClip, WavFormat } from "./media-makers.ts";
export { makeMatroskaWithDocType, makeOggLoggingText, makeReferenceAttacks } from "./media-attacks.ts";
export type { ReferenceAttack, ReferenceAttackKit } from "./media-attacks.ts";
export { startFakeOpenAi, parseMultipart } from "./fake-openai.server.ts";
export type { FakeOpenAiServer, FakeOpenAiOptions, FakeOpenAiFailure } from "./fake-openai.server.ts";
export { startFakeHf } from "./fake-hf.server.ts";
export type { FakeHfServer, FakeHfOptions, FakeHfFailure } from "./fake-hf.server.ts";
export { startVersityGw, versityGwBin } from "./versitygw-server.ts";
export type { S3Server } from "./versitygw-server.ts";
export { pool } from "./pool.ts";
export { startFerretDb, ferretDbBin } from "./ferretdb-server.ts";
export type { FerretDbServer, FerretDbOptions } from "./ferretdb-server.ts";
export { testPostgres, DEFAULT_TEST_POSTGRES_URL } from "./postgres.ts";
export type { TestPostgres } from "./postgres.ts";
export { startFakeOpenAiChat } from "./fake-openai-chat.server.ts";
export type { FakeOpenAiChatServer, FakeChatOptions, FakeChatFailure, FakeChatRequest, FakeChatMessage } from "./fake-openai-chat.server.ts";
export { mountSmallDisk } from "./small-disk.ts";
export type { SmallDisk } from "./small-disk.ts";
