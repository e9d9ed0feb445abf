import { IsDefined, IsString, Length } from 'class-validator';

export class CreateOrderDto {
  /** Opaque to clients: any string; one that names no hold is a 404. */
  @IsDefined()
  @IsString({ message: 'hold_id must be a string' })
  @Length(1, 64)
  hold_id: string;
}
