import { Injectable, PipeTransform } from '@nestjs/common';
import { RequestValidationError } from '../core/errors';

/** A path id: digits only, no sign, no fraction, no leading zero ("abc", "0", "-1", "1.5" are 400). */
@Injectable()
export class PositiveIntPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,15}$/.test(value)) {
      throw new RequestValidationError({ id: ['id must be a positive integer'] }, `"${value.slice(0, 40)}" is not a valid id.`);
    }
    return Number(value);
  }
}
