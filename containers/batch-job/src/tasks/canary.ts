import type { Task } from '../task';

/**
 * The platform's heartbeat: it does nothing but start, log and exit 0, so its success proves
 * only the path every job shares (Scheduler or a manual start → job runner → ECS on Fargate →
 * this image → logs → run record). The pipeline runs it after deploying staging and fails
 * the deploy unless it succeeds; its daily schedule shows the path still works between deploys.
 * It calls nothing outside the task, so a partner or network outage never fails it.
 */
export const canary: Task = {
  usage: 'canary',
  run(ctx) {
    ctx.log.info('canary: the job runner started this task and its logs arrive', {
      node: process.version,
      startedAt: ctx.now().toISOString(),
    });
    return Promise.resolve('canary ok');
  },
};
