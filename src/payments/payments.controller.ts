import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { RawBodyRequest } from '@nestjs/common/interfaces';
import { FastifyRequest } from 'fastify';
import { PaymentWebhookDto } from './dto/payment-webhook.dto';
import { PaymentsService, WebhookResponse } from './payments.service';
import { WebhookSignatureGuard } from './webhook-signature.guard';

@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('webhook')
  @HttpCode(200)
  @UseGuards(WebhookSignatureGuard)
  webhook(@Body() body: PaymentWebhookDto, @Req() request: RawBodyRequest<FastifyRequest>): Promise<WebhookResponse> {
    return this.payments.applyDelivery(body, request.rawBody?.toString('utf8') ?? JSON.stringify(body));
  }
}
