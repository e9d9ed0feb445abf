import { Global, Module } from '@nestjs/common';
import { CustomerAuthGuard } from './customer-auth.guard';
import { TokenVerifier } from './token-verifier';

/** Customer identity: the token verifier and the guard of the customer routes. */
@Global()
@Module({
  providers: [TokenVerifier, CustomerAuthGuard],
  exports: [TokenVerifier, CustomerAuthGuard],
})
export class AuthModule {}
