// Local services: Redis and MongoDB in Docker via testcontainers (redis:7, mongo:7).
// Used only when a container runtime answers; testcontainers is loaded lazily, so without Docker it costs nothing.
import type { StartedTestContainer } from 'testcontainers';
import type { StartedService } from './spawn.ts';

let runtimeCheck: Promise<boolean> | undefined;

/** True when testcontainers finds a container runtime that answers within `timeoutMs`. Never throws. */
export function dockerAvailable(timeoutMs = 5_000): Promise<boolean> {
  runtimeCheck ??= (async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    const probe = (async () => {
      try {
        const { getContainerRuntimeClient } = await import('testcontainers');
        await getContainerRuntimeClient();
        return true;
      } catch {
        return false;
      }
    })();
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  })();
  return runtimeCheck;
}

export async function startRedisContainer(image = 'redis:7'): Promise<StartedService> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(image).withExposedPorts(6379).withWaitStrategy(Wait.forLogMessage('Ready to accept connections')).start();
  return asService(container, `redis://${container.getHost()}:${container.getMappedPort(6379)}`);
}

export async function startMongoContainer(image = 'mongo:7'): Promise<StartedService> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(image)
    .withExposedPorts(27017)
    .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
    .start();
  const url = `mongodb://${container.getHost()}:${container.getMappedPort(27017)}/?directConnection=true`;
  return asService(container, url);
}

function asService(container: StartedTestContainer, url: string): StartedService {
  let stopping: Promise<void> | undefined;
  return {
    url,
    stop: () => (stopping ??= container.stop().then(() => undefined)),
  };
}
