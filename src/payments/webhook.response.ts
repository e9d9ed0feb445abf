import { ApiProperty } from '@nestjs/swagger';
import { OrderStatus } from '../orders/order';
import { WebhookResponse } from './payments.service';

/** The webhook's answer as documented in OpenAPI (the service builds it as a WebhookResponse). */
export class WebhookResponseBody implements WebhookResponse {
  @ApiProperty({
    enum: ['processed', 'duplicate', 'ignored'],
    description: 'processed: this delivery changed the order; duplicate: key already processed; ignored: order already final',
  })
  result: WebhookResponse['result'];

  @ApiProperty({ enum: ['pending', 'paid', 'failed'], description: "The order's status after the delivery" })
  order_status: OrderStatus;
}
