import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, Length } from 'class-validator';

export class CreateOrderDto {
  /** Opaque to clients: any string; one that names no hold is a 404. */
  @ApiProperty({ minLength: 1, maxLength: 64, example: '0193a4f2-2f4a-7d3b-b1d6-2a5c8f0e91c4' })
  @IsDefined()
  @IsString({ message: 'hold_id must be a string' })
  @Length(1, 64)
  hold_id: string;
}
