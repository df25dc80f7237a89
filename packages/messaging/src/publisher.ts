import { COMMANDS, JobEvent, runMsgId, Subjects, type Command, type JobClass, type Stage } from "@mp4t/contracts";
import type { JetStreamClient } from "@nats-io/jetstream";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import { AppError } from "@mp4t/contracts";
import { MessagingAttr, Mp4tAttr } from "@mp4t/runtime";
import { injectTraceContext, tracePublish } from "./trace-context.ts";

/**
 * Publishes commands and events. Every message is validated against its contract before it
 * leaves, and carries a Nats-Msg-Id so a retried publish inside the dedup window is dropped.
 */
export type Publisher = {
  command<S extends Stage>(stage: S, cls: JobClass, msg: Command<S>, msgId: string): Promise<void>;
  /**
   * `attempts`: the job's run (Job.attempts). The message id (JetStream's duplicate window) is the
   * event's content, so a re-sent event is stored once; a later run's identical event (a retried
   * job failing again at the same stage and progress) gets an id of its own and is stored too.
   */
  event(event: JobEvent, attempts?: number): Promise<void>;
};

export function createPublisher(js: JetStreamClient, opts: { service: string; headers?: () => MsgHdrs | undefined }): Publisher {
  const hdrs = () => {
    const h = opts.headers?.() ?? natsHeaders();
    h.set("Mp4t-Publisher", opts.service);
    return injectTraceContext(h); // W3C traceparent: the consumer continues this trace
  };
  return {
    async command(stage, cls, msg, msgId) {
      const parsed = COMMANDS[stage].safeParse(msg);
      if (!parsed.success) throw new AppError("POISON_MESSAGE", `refusing to publish an invalid ${stage} command: ${parsed.error.message}`);
      const subject = Subjects.work(stage, cls, parsed.data.userId); // the user picks the fairness bucket
      const attrs = { [MessagingAttr.MESSAGE_ID]: msgId, [Mp4tAttr.JOB_ID]: parsed.data.jobId, [Mp4tAttr.STAGE]: stage, [Mp4tAttr.JOB_CLASS]: cls };
      await tracePublish(subject, attrs, () => js.publish(subject, JSON.stringify(parsed.data), { msgID: msgId, headers: hdrs() }));
    },
    async event(event, attempts) {
      const parsed = JobEvent.safeParse(event);
      if (!parsed.success) throw new AppError("POISON_MESSAGE", `refusing to publish an invalid event: ${parsed.error.message}`);
      const e = parsed.data;
      const msgID = runMsgId(`${e.jobId}:${e.type}:${e.stage ?? ""}:${e.progress.toFixed(3)}${e.version === undefined ? "" : `:v${e.version}`}`, attempts);
      await js.publish(Subjects.jobEvent(e.jobId, e.type), JSON.stringify(e), { msgID, headers: hdrs() });
    },
  };
}
