export {
  LANES,
  JOB_CLASSES,
  STAGE_LANES,
  STAGES,
  STAGE_SERVICES,
  SERVICE_NAMES,
  Streams,
  Subjects,
  BlobKeys,
  runMsgId,
  runOfMsgId,
  STREAM_MAX_CONSUMERS,
  durableName,
  discoveryName,
  FAIR_BUCKETS,
  userBucket,
  fairDurableName,
} from "./subjects.ts";
export type { Lane, JobClass, Stage, ServiceName } from "./subjects.ts";
export { ERROR_CODES, isErrorCode, USER_MISTAKE_CODES, isUserMistake } from "./errors.ts";
export { AppError, RetryableError, PermanentError, ConfigError, errorMessage, isDiskFull } from "./app-errors.ts";
export { newId } from "./ids.ts";
export { API_KEY_SCOPES, ApiKeyScope, MAX_API_KEYS_PER_USER, API_KEY_PREFIX, API_KEY_PATTERN, ApiKeyRecord } from "./api-key.schema.ts";
export type { ErrorCode } from "./errors.ts";
export {
  JobId,
  UserId,
  JOB_STATUSES,
  JobStatus,
  JOB_TRANSITIONS,
  isTerminal,
  canTransition,
  PIPELINE_STAGES,
  JOB_STEPS,
  StageStatus,
  StageState,
  EnhanceOption,
  JobOptions,
  MediaInfo,
  JobError,
  Job,
  User,
  Session,
  MAX_SESSIONS_PER_USER,
  MAX_TRANSCRIPT_VERSIONS,
  TranscriptVersionInfo,
  TranscriptHistory,
  JobQueue,
  AudioTrack,
  NOTICE_CODES,
  JobNotice,
} from "./job.schema.ts";
export type { PipelineStage, JobStep, JobOptionsInput, NoticeCode } from "./job.schema.ts";
export { PIPELINE, ARTIFACTS, messageId, MessageIds, temporaryBlobKeys, chunksPrefix } from "./pipeline.ts";
export type { Artifact } from "./pipeline.ts";
export {
  ANY_LANGUAGE,
  WHISPER_LANGUAGES,
  languageServed,
  commonLanguages,
  EngineCapability,
  DiarizationCapability,
  EnhancementCapabilities,
  InstanceCapabilities,
  Capabilities,
} from "./capabilities.schema.ts";
export type { OptionUnsupportedDetails } from "./capabilities.schema.ts";
export { findUnsupportedOption } from "./option-check.ts";
export type { UnsupportedOption } from "./option-check.ts";
export {
  IngestCommand,
  TranscribeCommand,
  DiarizeCommand,
  EnhanceCommand,
  CleanupCommand,
  WebhookCommand,
  COMMANDS,
  DeadLetter,
} from "./commands.schema.ts";
export type { Command } from "./commands.schema.ts";
export { JOB_EVENT_TYPES, JobEvent, isTerminalEvent } from "./events.schema.ts";
export type { JobEventType } from "./events.schema.ts";
export { Word, Segment, ChunkResult, Enhancements, Transcript, TRANSCRIPT_FORMATS } from "./transcript.schema.ts";
export type { TranscriptFormat } from "./transcript.schema.ts";
