import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { RateLimitExceededError } from '../core/errors';

/**
 * Counts POST requests per client IP (GETs are cache reads and are not limited here). The
 * payment webhook is counted apart, under its own limit, so a gateway's burst and the buyers
 * never eat each other's allowance. Refusals are 429 problem+json with Retry-After.
 */
@Injectable()
export class PostRateLimitGuard extends ThrottlerGuard {
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(context.switchToHttp().getRequest<{ method: string }>().method !== 'POST');
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    return Promise.reject(new RateLimitExceededError(detail.timeToBlockExpire));
  }
}
