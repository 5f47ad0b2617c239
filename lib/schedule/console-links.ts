import { jobNames } from './naming';

/** AWS console links, so a CLI answer is one click from the full story. */

export function executionUrl(region: string, executionArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** The console's log links encode each path part twice and write `%` as `$`. */
const consoleEncode = (value: string) => encodeURIComponent(encodeURIComponent(value)).replace(/%/g, '$');

export function logStreamUrl(region: string, logGroup: string, logStream: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${consoleEncode(logGroup)}/log-events/${consoleEncode(logStream)}`;
}

/** The job's log stream for an ECS task ARN (`arn:aws:ecs:<region>:<account>:task/<cluster>/<id>`). */
export function jobLogUrl(
  env: { name: string; region: string },
  job: string,
  taskArn: string,
): string | undefined {
  const taskId = taskArn.split('/').pop();
  if (!taskId || !taskArn.includes(':task/')) return undefined;
  const names = jobNames(env.name);
  return logStreamUrl(env.region, names.logGroup, names.logStream(job, taskId));
}
