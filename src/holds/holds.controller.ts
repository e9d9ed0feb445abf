import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomerAuthGuard } from '../auth/customer-auth.guard';
import { CustomerId } from '../auth/principal';
import { ApiProblems } from '../http/problem.schema';
import { IdempotencyClaim } from '../idempotency/idempotency-claim';
import { Idempotent, IdempotencyKeyClaim } from '../idempotency/idempotency.interceptor';
import { CreateHoldDto } from './dto/create-hold.dto';
import { HoldResponse } from './hold.response';
import { HoldsService } from './holds.service';

@ApiTags('holds')
@ApiBearerAuth()
@ApiProblems({ 401: true })
@UseGuards(CustomerAuthGuard)
@Controller('holds')
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Post()
  @ApiOperation({ summary: 'Hold units of a product' })
  @ApiCreatedResponse({ type: HoldResponse, description: 'The hold; its units stop counting as available at once' })
  @ApiProblems({
    400: true,
    404: 'Unknown product',
    409:
      'Not enough available stock (`insufficient-stock`, `available` says how many), outside the sale window ' +
      '(`sale-not-started` with `starts_at` and Retry-After, or `sale-ended`), past max_per_customer ' +
      '(`customer-limit-reached`, `remaining` says how many), or the same Idempotency-Key is still running',
    413: true,
    415: true,
    422: 'The Idempotency-Key was used with another body',
    429: true,
  })
  @Idempotent('holds')
  reserve(
    @Body() body: CreateHoldDto,
    @CustomerId() customerId: string | null,
    @IdempotencyKeyClaim() claim: IdempotencyClaim | null,
  ): Promise<HoldResponse> {
    return this.holds.reserve(body.product_id, body.qty, customerId, claim?.record);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a hold' })
  @ApiOkResponse({ type: HoldResponse })
  @ApiProblems({ 404: 'Unknown hold' })
  get(@Param('id') id: string, @CustomerId() customerId: string | null): Promise<HoldResponse> {
    return this.holds.get(id, customerId);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Release a hold' })
  @ApiOkResponse({
    type: HoldResponse,
    description: 'The hold, released (releasing twice is fine); a hold already past its expiry answers as expired',
  })
  @ApiProblems({ 404: 'Unknown hold', 409: 'The hold is already converted into an order' })
  @HttpCode(200)
  release(@Param('id') id: string, @CustomerId() customerId: string | null): Promise<HoldResponse> {
    return this.holds.release(id, customerId);
  }
}
