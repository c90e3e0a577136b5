import { STATUS_CODES } from 'node:http';

/** Field errors by location, as the seed's marshmallow/webargs stack reports them: `{json: {field: [msg]}}`. */
export type FieldErrors = Record<string, Record<string, string[]>>;

/** An error whose status and message are safe to show the client. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errors?: FieldErrors,
    /** Response headers that belong to the error (Retry-After, WWW-Authenticate). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const statusText = (code: number): string => STATUS_CODES[code] ?? 'Error';

export const notFound = (message: string): HttpError => new HttpError(404, message);
export const conflict = (message: string): HttpError => new HttpError(409, message);
export const unavailable = (message: string): HttpError => new HttpError(503, message);
export const forbidden = (message: string): HttpError => new HttpError(403, message);
export const unauthorized = (message: string): HttpError =>
  new HttpError(401, message, undefined, { 'www-authenticate': 'Bearer realm="url-shortener"' });
export const tooManyRequests = (message: string, headers: Record<string, string>): HttpError =>
  new HttpError(429, message, undefined, headers);

/** 422 for one field in one location (`json`, `query`, `files`). */
export const invalid = (location: string, field: string, message: string): HttpError =>
  new HttpError(422, 'The request was well-formed but was unable to be followed due to semantic errors.', {
    [location]: { [field]: [message] },
  });

export const invalidWith = (errors: FieldErrors): HttpError =>
  new HttpError(422, 'The request was well-formed but was unable to be followed due to semantic errors.', errors);
