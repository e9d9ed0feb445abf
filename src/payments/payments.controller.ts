import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { RawBodyRequest } from '@nestjs/common/interfaces';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { WEBHOOK_SIGNATURE_SCHEME } from '../http/openapi';
import { ApiProblems } from '../http/problem.schema';
import { WebhookRateLimit } from '../rate-limit/rate-limit-group';
import { PaymentWebhookDto } from './dto/payment-webhook.dto';
import { PaymentsService, WebhookResponse } from './payments.service';
import { WebhookResponseBody } from './webhook.response';
import { WebhookSignatureGuard } from './webhook-signature.guard';

@ApiTags('payments')
@Controller('payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('webhook')
  @ApiOperation({ summary: 'Receive a payment gateway delivery' })
  @ApiSecurity(WEBHOOK_SIGNATURE_SCHEME)
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookResponseBody })
  @ApiProblems({
    400: true,
    401: 'Missing or invalid signature (when WEBHOOK_SECRET is set)',
    404: 'Unknown order (the key is not consumed)',
    413: true,
    415: true,
    429: true,
  })
  @UseGuards(WebhookSignatureGuard)
  @WebhookRateLimit()
  webhook(@Body() body: PaymentWebhookDto, @Req() request: RawBodyRequest<FastifyRequest>): Promise<WebhookResponse> {
    return this.payments.applyDelivery(body, request.rawBody?.toString('utf8') ?? JSON.stringify(body));
  }
}
