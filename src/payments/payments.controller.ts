import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { RawBodyRequest } from '@nestjs/common/interfaces';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { ApiProblems } from '../openapi/problem.schema';
import { PaymentWebhookDto } from './dto/payment-webhook.dto';
import { PaymentsService, WebhookResponse } from './payments.service';
import { WebhookResponseBody } from './webhook.response';

@ApiTags('payments')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('webhook')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookResponseBody })
  @ApiProblems({ 400: true, 404: 'Unknown order (the key is not consumed)', 413: true, 415: true })
  webhook(@Body() body: PaymentWebhookDto, @Req() request: RawBodyRequest<FastifyRequest>): Promise<WebhookResponse> {
    return this.payments.applyDelivery(body, request.rawBody?.toString('utf8') ?? JSON.stringify(body));
  }
}
