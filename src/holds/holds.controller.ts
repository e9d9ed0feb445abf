import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { IdempotencyClaim } from '../idempotency/idempotency-claim';
import { Idempotent, IdempotencyKeyClaim } from '../idempotency/idempotency.interceptor';
import { CreateHoldDto } from './dto/create-hold.dto';
import { HoldResponse } from './hold.response';
import { HoldsService } from './holds.service';

@Controller('holds')
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Post()
  @Idempotent('holds')
  reserve(@Body() body: CreateHoldDto, @IdempotencyKeyClaim() claim: IdempotencyClaim | null): Promise<HoldResponse> {
    return this.holds.reserve(body.product_id, body.qty, claim?.record);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<HoldResponse> {
    return this.holds.get(id);
  }

  @Delete(':id')
  @HttpCode(200)
  release(@Param('id') id: string): Promise<HoldResponse> {
    return this.holds.release(id);
  }
}
