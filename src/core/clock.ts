import { Injectable } from '@nestjs/common';

/**
 * The time every expiry rule is decided by. Injected so that tests can move it instead of
 * sleeping through a hold's lifetime.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
