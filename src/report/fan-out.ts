/** Several renderers as one (the chosen output and a `--junit` report): each hears every event. */
import type { EngineEvent } from '../model/events.ts';
import type { Renderer } from './renderer.ts';

export function fanOut(renderers: readonly Renderer[]): Renderer {
  return {
    addSecret(value: string): void {
      for (const renderer of renderers) renderer.addSecret(value);
    },
    emit(event: EngineEvent): void {
      for (const renderer of renderers) renderer.emit(event);
    },
    /** Closes every renderer, then reports the first that failed. */
    async close(): Promise<void> {
      const settled = await Promise.allSettled(renderers.map((renderer) => renderer.close()));
      const failed = settled.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
