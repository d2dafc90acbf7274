/** Random access to a blob: a file here, or a blob in a registry read by Range request. */
import { open } from 'node:fs/promises';

export interface BlobReader {
  readonly size: number;
  /** `length` bytes from `start`; fewer only at the end of the blob. */
  read(start: number, length: number): Promise<Buffer>;
}

/** A reader of the file at `path`; close it when done. */
export async function fileReader(path: string): Promise<BlobReader & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return {
      size,
      read: async (start, length) => {
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, start);
        return buffer.subarray(0, bytesRead);
      },
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
