import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/problem.schema';
import { IdempotencyClaim } from '../idempotency/idempotency-claim';
import { Idempotent, IdempotencyKeyClaim } from '../idempotency/idempotency.interceptor';
import { CreateHoldDto } from './dto/create-hold.dto';
import { HoldResponse } from './hold.response';
import { HoldsService } from './holds.service';

@ApiTags('holds')
@Controller('holds')
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Post()
  @ApiOperation({ summary: 'Hold units of a product' })
  @ApiCreatedResponse({ type: HoldResponse, description: 'The hold; its units stop counting as available at once' })
  @ApiProblems({
    400: true,
    404: 'Unknown product',
    409: 'Not enough available stock (`available` says how many), or the same Idempotency-Key is still running',
    413: true,
    415: true,
    422: 'The Idempotency-Key was used with another body',
    429: true,
  })
  @Idempotent('holds')
  reserve(@Body() body: CreateHoldDto, @IdempotencyKeyClaim() claim: IdempotencyClaim | null): Promise<HoldResponse> {
    return this.holds.reserve(body.product_id, body.qty, claim?.record);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a hold' })
  @ApiOkResponse({ type: HoldResponse })
  @ApiProblems({ 404: 'Unknown hold' })
  get(@Param('id') id: string): Promise<HoldResponse> {
    return this.holds.get(id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Release a hold' })
  @ApiOkResponse({
    type: HoldResponse,
    description: 'The hold, released (releasing twice is fine); a hold already past its expiry answers as expired',
  })
  @ApiProblems({ 404: 'Unknown hold', 409: 'The hold is already converted into an order' })
  @HttpCode(200)
  release(@Param('id') id: string): Promise<HoldResponse> {
    return this.holds.release(id);
  }
}
