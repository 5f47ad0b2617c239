import * as path from 'node:path';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { CONTAINERS_DIR, type ImageRef } from '../config/common-schema';

/**
 * The image of a job or worker from its config: a folder under containers/, built by CDK at
 * deploy time for linux/amd64 (Fargate Spot runs x86_64 only), or an existing ECR image.
 * `repositoryId` names the imported repository construct in `scope`.
 */
export function containerImage(scope: Construct, repositoryId: string, ref: ImageRef): ecs.ContainerImage {
  if ('directory' in ref) {
    return ecs.ContainerImage.fromAsset(path.join(CONTAINERS_DIR, ref.directory), {
      platform: Platform.LINUX_AMD64,
    });
  }
  return ecs.ContainerImage.fromEcrRepository(
    ecr.Repository.fromRepositoryArn(scope, repositoryId, ref.ecrRepository),
    ref.tag,
  );
}
