import { ApiProperty } from '@nestjs/swagger';
import { ORDER_STATUSES, OrderStatus } from '../orders/order';
import { WebhookResponse } from './payments.service';

/** The webhook's answer as documented in OpenAPI (the service builds it as a WebhookResponse). */
export class WebhookResponseBody implements WebhookResponse {
  @ApiProperty({
    enum: ['processed', 'duplicate', 'ignored'],
    description:
      'processed: this delivery changed the order (a late success: paid or refund_due); duplicate: key already processed; ignored: order already final, or a failure for an expired or cancelled order',
  })
  result: WebhookResponse['result'];

  @ApiProperty({ enum: ORDER_STATUSES, description: "The order's status after the delivery" })
  order_status: OrderStatus;
}
