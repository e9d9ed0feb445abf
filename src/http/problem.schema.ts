import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem-document';

/** RFC 9457 problem document, as rendered by ProblemDetailsFilter. */
export class Problem {
  @ApiProperty({ example: 'urn:flash-sale:problem:insufficient-stock' })
  type: string;

  @ApiProperty({ example: 'Not enough stock available' })
  title: string;

  @ApiProperty({ example: 409 })
  status: number;

  @ApiProperty({ example: 'Product 1 has 1 unit(s) available; 2 requested.' })
  detail: string;

  @ApiProperty({ description: 'Stable machine-readable code', example: 'insufficient-stock' })
  code: string;

  @ApiPropertyOptional({
    description: 'Validation failures: field → messages',
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { qty: ['qty must be an integer'] },
  })
  errors?: Record<string, string[]>;

  @ApiPropertyOptional({ description: 'insufficient-stock: units available now', example: 1 })
  available?: number;

  @ApiPropertyOptional({ description: '500 only: the id of the log line with the details' })
  correlation_id?: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (malformed JSON, unknown or mistyped fields, bad path or query)',
  401: 'Missing, malformed, expired or wrongly signed bearer token (WWW-Authenticate: Bearer)',
  403: 'A valid token without the admin role',
  404: 'Not found',
  409: 'Conflict with the current state',
  410: 'Gone: the hold has expired',
  413: 'Body larger than 16 KiB',
  415: 'Body is not JSON',
  503: 'Database unavailable; retry shortly',
};

/** Documents the problem+json answers an endpoint gives, with what each status means there. */
export function ApiProblems(problems: Record<number, string | true>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(Problem),
    ...Object.entries(problems).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description: description === true ? DESCRIPTIONS[Number(status)] : description,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(Problem) } } },
      }),
    ),
  );
}
