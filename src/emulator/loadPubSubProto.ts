import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export interface PubSubServices {
  publisher: grpc.ServiceDefinition;
  subscriber: grpc.ServiceDefinition;
}

/** Options that fix the JavaScript shapes every handler in this folder relies on. */
const loaderOptions: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/**
 * Loads the Publisher and Subscriber service definitions from the protos shipped inside
 * @google-cloud/pubsub, so the emulator speaks the same API version as the installed client.
 * The google/api and google/protobuf imports come from google-gax, the client's own dependency.
 */
export function loadPubSubProto(): PubSubServices {
  const require = createRequire(import.meta.url);
  const pubsubRoot = path.dirname(require.resolve('@google-cloud/pubsub/package.json'));
  const requireFromPubSub = createRequire(path.join(pubsubRoot, 'package.json'));
  const gaxRoot = packageRoot(requireFromPubSub.resolve('google-gax'));

  const definition = protoLoader.loadSync('google/pubsub/v1/pubsub.proto', {
    ...loaderOptions,
    includeDirs: [path.join(pubsubRoot, 'build', 'protos'), path.join(gaxRoot, 'build', 'protos')],
  });

  return {
    publisher: serviceDefinition(definition, 'google.pubsub.v1.Publisher'),
    subscriber: serviceDefinition(definition, 'google.pubsub.v1.Subscriber'),
  };
}

/** Walks up from a resolved entry file to the folder holding its package.json. */
function packageRoot(entryFile: string): string {
  let directory = path.dirname(entryFile);
  while (!existsSync(path.join(directory, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`No package.json above ${entryFile}`);
    directory = parent;
  }
  return directory;
}

function serviceDefinition(
  definition: protoLoader.PackageDefinition,
  name: string,
): grpc.ServiceDefinition {
  const service = definition[name];
  if (service === undefined || 'format' in service) {
    throw new Error(`Service ${name} not found in the @google-cloud/pubsub protos`);
  }
  return service;
}
