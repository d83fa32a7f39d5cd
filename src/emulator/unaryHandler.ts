import { status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { GrpcStatusError } from './grpcErrors.js';

/**
 * Adapts a function that returns a response or throws a `GrpcStatusError` to a grpc-js unary
 * handler. Any other error becomes INTERNAL and is logged, because it is an emulator bug.
 */
export function unaryHandler<Request, Response>(
  method: string,
  logger: Logger,
  handle: (
    request: Request,
    call: ServerUnaryCall<Request, Response>,
  ) => Response | Promise<Response>,
): (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => void {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handle(call.request, call))
      .then(
        (response) => {
          callback(null, response);
        },
        (error: unknown) => {
          if (error instanceof GrpcStatusError) {
            logger.debug({ method, code: error.code, details: error.details }, 'request rejected');
            callback(error);
            return;
          }
          logger.error({ method, err: error }, 'emulator request failed');
          callback({ code: status.INTERNAL, details: `Emulator error in ${method}` });
        },
      );
  };
}
