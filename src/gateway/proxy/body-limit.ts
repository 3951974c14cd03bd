import { Transform, type TransformCallback } from 'node:stream';

export class PayloadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/**
 * Counts a streamed request body (chunked uploads, whose size is not announced) and fails the stream once it
 * passes the limit. Bodies with a Content-Length are checked up front instead and need no counting.
 */
export class BodyLimit extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) callback(new PayloadTooLargeError(this.limit));
    else callback(null, chunk);
  }
}
