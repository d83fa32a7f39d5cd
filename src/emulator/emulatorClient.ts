import { PubSub } from '@google-cloud/pubsub';

/**
 * Creates a client for the emulator at `emulatorHost` (`HOST:PORT`). Emulator mode uses plain
 * gRPC without credentials; METADATA_SERVER_DETECTION=none is set when unset, so the Google auth
 * library never probes the cloud metadata server from a development machine.
 */
export function emulatorClient(emulatorHost: string, projectId: string): PubSub {
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  return new PubSub({ projectId, apiEndpoint: emulatorHost, emulatorMode: true });
}
