import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { ProductSettings } from '../../products/product';

const MAX_UNITS = 4_294_967_295;
/** DECIMAL(12,2): up to ten digits before the point, always two after (money is never a float). */
const PRICE = /^\d{1,10}\.\d{2}$/;
/** ISO 8601 with a zone (a time without one means nothing to a server in UTC). */
const INSTANT = /(Z|[+-]\d\d:\d\d)$/;

export class CreateProductDto {
  @ApiProperty({ minLength: 1, maxLength: 255, example: 'Flash Sneaker' })
  @IsString()
  @Length(1, 255)
  name: string;

  @ApiProperty({ description: 'Decimal string with two places', example: '99.00', pattern: PRICE.source })
  @IsString()
  @Matches(PRICE, { message: 'price must be a decimal string with two places, such as "99.00"' })
  price: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'The stock the product starts with', example: 100 })
  @IsInt({ message: 'stock must be an integer' })
  @Min(0)
  @Max(MAX_UNITS)
  stock: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: '2026-12-01T10:00:00.000Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'sale_starts_at must be an ISO 8601 date-time' })
  @Matches(INSTANT, { message: 'sale_starts_at must name its time zone (Z or ±hh:mm)' })
  sale_starts_at?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: null })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'sale_ends_at must be an ISO 8601 date-time' })
  @Matches(INSTANT, { message: 'sale_ends_at must name its time zone (Z or ±hh:mm)' })
  sale_ends_at?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, nullable: true, example: 2 })
  @IsOptional()
  @IsInt({ message: 'max_per_customer must be an integer' })
  @Min(1)
  @Max(MAX_UNITS)
  max_per_customer?: number | null;
}

/** PATCH: any of these; an absent field is kept, `null` opens a window side or lifts the limit. */
export class UpdateProductDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 255 })
  @ValidateIf((_o, value) => value !== undefined)
  @IsString()
  @Length(1, 255)
  name?: string;

  @ApiPropertyOptional({ example: '89.00', pattern: PRICE.source })
  @ValidateIf((_o, value) => value !== undefined)
  @IsString()
  @Matches(PRICE, { message: 'price must be a decimal string with two places, such as "99.00"' })
  price?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'sale_starts_at must be an ISO 8601 date-time' })
  @Matches(INSTANT, { message: 'sale_starts_at must name its time zone (Z or ±hh:mm)' })
  sale_starts_at?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'sale_ends_at must be an ISO 8601 date-time' })
  @Matches(INSTANT, { message: 'sale_ends_at must name its time zone (Z or ±hh:mm)' })
  sale_ends_at?: string | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, nullable: true })
  @IsOptional()
  @IsInt({ message: 'max_per_customer must be an integer' })
  @Min(1)
  @Max(MAX_UNITS)
  max_per_customer?: number | null;
}

/** The settings a create body names (absent optional fields: open window, no limit). */
export function toNewProductSettings(dto: CreateProductDto): ProductSettings {
  return {
    name: dto.name,
    price: dto.price,
    saleStartsAt: instant(dto.sale_starts_at),
    saleEndsAt: instant(dto.sale_ends_at),
    maxPerCustomer: dto.max_per_customer ?? null,
  };
}

/** Only the fields a PATCH body names. */
export function toProductChanges(dto: UpdateProductDto): Partial<ProductSettings> {
  const changes: Partial<ProductSettings> = {};
  if (dto.name !== undefined) changes.name = dto.name;
  if (dto.price !== undefined) changes.price = dto.price;
  if (dto.sale_starts_at !== undefined) changes.saleStartsAt = instant(dto.sale_starts_at);
  if (dto.sale_ends_at !== undefined) changes.saleEndsAt = instant(dto.sale_ends_at);
  if (dto.max_per_customer !== undefined) changes.maxPerCustomer = dto.max_per_customer;
  return changes;
}

function instant(value: string | null | undefined): Date | null {
  return value === null || value === undefined ? null : new Date(value);
}
