import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

/** A gRPC error with the status code the real Pub/Sub service returns for the same condition. */
export class GrpcStatusError extends Error implements Partial<ServiceError> {
  readonly code: status;
  readonly details: string;
  readonly metadata = new Metadata();

  constructor(code: status, details: string) {
    super(details);
    this.name = 'GrpcStatusError';
    this.code = code;
    this.details = details;
  }
}

export const notFound = (resource: string): GrpcStatusError =>
  new GrpcStatusError(status.NOT_FOUND, `Resource not found (resource=${resource}).`);

export const alreadyExists = (resource: string): GrpcStatusError =>
  new GrpcStatusError(
    status.ALREADY_EXISTS,
    `Resource already exists in the project (resource=${resource}).`,
  );

export const invalidArgument = (details: string): GrpcStatusError =>
  new GrpcStatusError(status.INVALID_ARGUMENT, details);

export const unimplemented = (details: string): GrpcStatusError =>
  new GrpcStatusError(status.UNIMPLEMENTED, details);
